using Annotator.Captioning;
using Annotator.Catalog.Sql;
using Annotator.Images;
using Annotator.Thumbnails;
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
        var p = ClaimSql.Prefix(work);
        var now = Now();
        return await database.WriteAsync(async (connection, transaction) =>
        {
            var args = new { id = id.ToString(), now, owner = lease.Owner, until = ClaimSql.Until(now, lease) };
            var claimed = await connection.ExecuteAsync(ClaimSql.Claim(p), args, transaction) > 0;
            if (!claimed)
                return ClaimSql.NotClaimed(await connection.QuerySingleOrDefaultAsync<(string State, long? Until)?>(ClaimSql.Holder(p), args, transaction));
            var row = await connection.QuerySingleAsync<ImageRow>($"SELECT {ImageRow.Columns} FROM images WHERE id = @id", args, transaction);
            var image = row.ToRecord();
            var exhausted = (work == Work.Thumbnail ? image.Thumbnail : image.Caption).Attempts > WorkAttempts.Max;
            if (exhausted)
            {
                // Earlier attempts never finished: each one took its process down with it. Stop here.
                await connection.ExecuteAsync(ClaimSql.Exhaust(p), new { args.id, now, reason = WorkAttempts.Exhausted }, transaction);
            }
            var version = await FeedVersions.AppendAsync(connection, transaction, args.id, now);
            return exhausted
                ? WorkClaim.Nothing
                : new WorkClaim(ClaimOutcome.Claimed, image with { Version = version, UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(now) });
        }, cancellationToken);
    }

    public async Task<bool> RenewAsync(ImageId id, Work work, WorkLease lease, CancellationToken cancellationToken)
    {
        var p = ClaimSql.Prefix(work);
        var now = Now();
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            ClaimSql.Renew(p), new { id = id.ToString(), owner = lease.Owner, until = ClaimSql.Until(now, lease) }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task ReleaseAsync(ImageId id, Work work, string owner, CancellationToken cancellationToken)
    {
        var p = ClaimSql.Prefix(work);
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

    public Task<Completion> CompleteThumbnailAsync(ImageId id, string owner, long? perceptualHash, CancellationToken cancellationToken) =>
        FinishAsync(id, "thumb", owner, generation: null, CompletionSql.ThumbnailDone, new DynamicParameters(new { phash = perceptualHash }), cancellationToken,
            stored: (connection, transaction) => MarkNearDuplicatesAsync(connection, transaction, id, perceptualHash));

    public async Task<IReadOnlyList<ImageId>> FindUnhashedAsync(string after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(SimilarSql.Unhashed, new { after, limit }, cancellationToken: cancellationToken));
        return [.. ids.Select(ImageRow.ParseId)];
    }

    public Task<bool> StoreHashAsync(ImageId id, long perceptualHash, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(SimilarSql.StoreHash, new { id = id.ToString(), phash = perceptualHash }, transaction) == 0) return false;
            await MarkNearDuplicatesAsync(connection, transaction, id, perceptualHash);
            await FeedVersions.AppendAsync(connection, transaction, id.ToString(), Now());
            return true;
        }, cancellationToken);

    /// <summary>MariaDB and MySQL count the bits of an integer themselves.</summary>
    private static string Distance(string a, string b) => $"BIT_COUNT({a} ^ {b})";

    private static async Task MarkNearDuplicatesAsync(MySqlConnection connection, MySqlTransaction transaction, ImageId id, long? perceptualHash)
    {
        if (perceptualHash is not { } phash) return;
        var args = new { id = id.ToString(), phash, maxDistance = PerceptualHash.SimilarDistance };
        var near = (await connection.QueryAsync<string>(SimilarSql.NearIds(Distance), args, transaction)).AsList();
        if (near.Count > 0) await connection.ExecuteAsync(SimilarSql.Mark("id IN @ids"), new { ids = near.Append(args.id).ToArray() }, transaction);
    }

    public Task<Completion> CompleteCaptionAsync(ImageId id, string owner, long generation, Caption caption, CancellationToken cancellationToken)
    {
        var values = new DynamicParameters(CompletionSql.CaptionValues(caption));
        values.Add("SearchCaption", SearchWords.Stored([caption.Text, .. caption.Tags]));
        return FinishAsync(id, "caption", owner, generation, $"{CompletionSql.CaptionDone}, search_caption = @SearchCaption", values, cancellationToken);
    }

    public Task FailThumbnailAsync(ImageId id, string owner, string reason, CancellationToken cancellationToken) =>
        FinishAsync(id, "thumb", owner, generation: null, CompletionSql.ThumbnailFailed, new DynamicParameters(new { reason }), cancellationToken);

    public Task FailCaptionAsync(ImageId id, string owner, long generation, string reason, CancellationToken cancellationToken) =>
        FinishAsync(id, "caption", owner, generation, CompletionSql.CaptionFailed, new DynamicParameters(new { reason }), cancellationToken);

    /// <summary>
    /// Ends the owner's claim with <paramref name="set"/>, or, when the claim is another's now or (captions) a newer
    /// re-caption superseded it, ends only the owner's claim, so the newer work need not wait for the lease to expire.
    /// </summary>
    private Task<Completion> FinishAsync(
        ImageId id, string p, string owner, long? generation, string set, DynamicParameters parameters, CancellationToken cancellationToken,
        Func<MySqlConnection, MySqlTransaction, Task>? stored = null) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            parameters.AddDynamicParams(new { id = id.ToString(), owner, generation, now });
            if (await connection.ExecuteAsync(CompletionSql.Finish(p, set, generation), parameters, transaction) > 0)
            {
                if (stored is not null) await stored(connection, transaction); // before the feed's counter row, held to the commit
                await FeedVersions.AppendAsync(connection, transaction, id.ToString(), now);
                return Completion.Stored;
            }
            await EndClaimAsync(connection, transaction, p, id.ToString(), owner);
            var exists = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM images WHERE id = @id", new { id = id.ToString() }, transaction) > 0;
            return exists ? Completion.Superseded : Completion.Deleted;
        }, cancellationToken);

    private static Task EndClaimAsync(MySqlConnection connection, MySqlTransaction transaction, string p, string id, string owner) =>
        connection.ExecuteAsync(ClaimSql.EndClaim(p), new { id, owner }, transaction);
}
