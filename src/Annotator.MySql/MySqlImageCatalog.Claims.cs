using Annotator.Captioning;
using Annotator.Catalog.Sql;
using Annotator.Images;
using Dapper;
using MySqlConnector;

namespace Annotator.Catalog.MySql;

/// <summary>
/// Claims on work and their end. A claim is one conditional UPDATE: InnoDB locks the row, so concurrent claimers
/// queue on it and each re-checks the condition against what the one before committed; of many, exactly one
/// matches. The row count is the rows matched (<see cref="MySqlCatalogDataSource"/> makes sure of that).
/// </summary>
public sealed partial class MySqlImageCatalog
{
    public async Task<WorkClaim> ClaimAsync(ImageId id, Work work, WorkLease lease, CancellationToken cancellationToken)
    {
        var p = Prefix(work);
        var now = Now();
        return await database.WriteAsync(async (connection, transaction) =>
        {
            var args = new { id = id.ToString(), now, owner = lease.Owner, until = now + (long)lease.Duration.TotalMilliseconds };
            var claimed = await connection.ExecuteAsync($"""
                UPDATE images SET {p}_state = 'processing', {p}_started_at = @now, {p}_finished_at = NULL,
                                  {p}_attempts = {p}_attempts + 1, {p}_error = NULL, {p}_lease_owner = @owner, {p}_lease_until = @until
                WHERE id = @id AND {p}_state IN ('pending', 'processing')
                  AND ({p}_lease_owner IS NULL OR {p}_lease_owner = @owner OR {p}_lease_until <= @now)
                """, args, transaction) > 0;
            if (!claimed)
            {
                var held = await connection.QuerySingleOrDefaultAsync<(string State, long? Until)?>(
                    $"SELECT {p}_state, {p}_lease_until FROM images WHERE id = @id", args, transaction);
                return held is { State: "pending" or "processing", Until: { } until }
                    ? new WorkClaim(ClaimOutcome.Busy, BusyUntil: DateTimeOffset.FromUnixTimeMilliseconds(until))
                    : WorkClaim.Nothing;
            }
            var row = await connection.QuerySingleAsync<ImageRow>($"SELECT {ImageRow.Columns} FROM images WHERE id = @id", args, transaction);
            var image = row.ToRecord();
            var exhausted = (work == Work.Thumbnail ? image.Thumbnail : image.Caption).Attempts > WorkAttempts.Max;
            if (exhausted)
            {
                // Earlier attempts never finished: each one took its process down with it. Stop here.
                await connection.ExecuteAsync($"""
                    UPDATE images SET {p}_state = 'failed', {p}_finished_at = @now, {p}_error = @reason, {p}_lease_owner = NULL, {p}_lease_until = NULL
                    WHERE id = @id
                    """, new { args.id, now, reason = WorkAttempts.Exhausted }, transaction);
            }
            var version = await FeedVersions.AppendAsync(connection, transaction, args.id, now);
            return exhausted
                ? WorkClaim.Nothing
                : new WorkClaim(ClaimOutcome.Claimed, image with { Version = version, UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(now) });
        }, cancellationToken);
    }

    public async Task<bool> RenewAsync(ImageId id, Work work, WorkLease lease, CancellationToken cancellationToken)
    {
        var p = Prefix(work);
        var now = Now();
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition($"""
            UPDATE images SET {p}_lease_until = @until WHERE id = @id AND {p}_lease_owner = @owner
            """, new { id = id.ToString(), owner = lease.Owner, until = now + (long)lease.Duration.TotalMilliseconds }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task ReleaseAsync(ImageId id, Work work, string owner, CancellationToken cancellationToken)
    {
        var p = Prefix(work);
        await database.WriteAsync(async (connection, transaction) =>
        {
            var args = new { id = id.ToString(), owner };
            var handedBack = await connection.ExecuteAsync($"""
                UPDATE images SET {p}_state = 'pending', {p}_started_at = NULL, {p}_attempts = GREATEST({p}_attempts - 1, 0)
                WHERE id = @id AND {p}_lease_owner = @owner AND {p}_state = 'processing'
                """, args, transaction);
            await EndClaimAsync(connection, transaction, p, args.id, owner);
            if (handedBack > 0) await FeedVersions.AppendAsync(connection, transaction, args.id, Now());
            return handedBack;
        }, cancellationToken);
    }

    public Task<Completion> CompleteThumbnailAsync(ImageId id, string owner, CancellationToken cancellationToken) =>
        FinishAsync(id, "thumb", owner, generation: null, "thumb_state = 'done', thumb_finished_at = @now, thumb_error = NULL", new(), cancellationToken);

    public Task<Completion> CompleteCaptionAsync(ImageId id, string owner, long generation, Caption caption, CancellationToken cancellationToken) =>
        FinishAsync(id, "caption", owner, generation, """
            caption_state = 'done', caption_finished_at = @now, caption_error = NULL,
            caption_text = @Text, caption_tags = @Tags, caption_provider = @Provider, caption_model = @Model,
            caption_latency_ms = @LatencyMs, caption_input_tokens = @InputTokens, caption_output_tokens = @OutputTokens,
            caption_model_attempts = @Attempts, caption_fallback_reason = @FallbackReason,
            caption_request_provider = NULL, caption_request_model = NULL, search_caption = @SearchCaption
            """,
            new DynamicParameters(new
            {
                caption.Text, Tags = ImageRow.TagsJson(caption.Tags), caption.Provider, caption.Model, caption.LatencyMs,
                caption.InputTokens, caption.OutputTokens, caption.Attempts, caption.FallbackReason,
                SearchCaption = SearchWords.Stored([caption.Text, .. caption.Tags]),
            }), cancellationToken);

    public Task FailThumbnailAsync(ImageId id, string owner, string reason, CancellationToken cancellationToken) =>
        FinishAsync(id, "thumb", owner, generation: null, "thumb_state = 'failed', thumb_finished_at = @now, thumb_error = @reason",
            new DynamicParameters(new { reason }), cancellationToken);

    public Task FailCaptionAsync(ImageId id, string owner, long generation, string reason, CancellationToken cancellationToken) =>
        FinishAsync(id, "caption", owner, generation, "caption_state = 'failed', caption_finished_at = @now, caption_error = @reason",
            new DynamicParameters(new { reason }), cancellationToken);

    /// <summary>
    /// Ends the owner's claim with <paramref name="set"/>, or, when the claim is another's now or (captions) a newer
    /// re-caption superseded it, ends only the owner's claim, so the newer work need not wait for the lease to expire.
    /// </summary>
    private Task<Completion> FinishAsync(
        ImageId id, string p, string owner, long? generation, string set, DynamicParameters parameters, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            parameters.AddDynamicParams(new { id = id.ToString(), owner, generation, now });
            var current = generation is null ? "" : " AND caption_generation = @generation";
            var stored = await connection.ExecuteAsync($"""
                UPDATE images SET {set}, {p}_lease_owner = NULL, {p}_lease_until = NULL
                WHERE id = @id AND {p}_lease_owner = @owner{current}
                """, parameters, transaction) > 0;
            if (stored)
            {
                await FeedVersions.AppendAsync(connection, transaction, id.ToString(), now);
                return Completion.Stored;
            }
            await EndClaimAsync(connection, transaction, p, id.ToString(), owner);
            var exists = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM images WHERE id = @id", new { id = id.ToString() }, transaction) > 0;
            return exists ? Completion.Superseded : Completion.Deleted;
        }, cancellationToken);

    private static Task EndClaimAsync(MySqlConnection connection, MySqlTransaction transaction, string p, string id, string owner) =>
        connection.ExecuteAsync($"UPDATE images SET {p}_lease_owner = NULL, {p}_lease_until = NULL WHERE id = @id AND {p}_lease_owner = @owner",
            new { id, owner }, transaction);

    private static string Prefix(Work work) => work == Work.Thumbnail ? "thumb" : "caption";
}
