using Annotator.Sql;
using Annotator.Access;
using Annotator.Captioning;
using Annotator.Catalog.Sql;
using Annotator.Images;
using Annotator.Thumbnails;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Annotator.Catalog.Postgres;

/// <summary>
/// The catalog in PostgreSQL, shared by every node, with the SQLite catalog's behaviour. Writers on many nodes run
/// at once (READ COMMITTED): a conditional <c>UPDATE</c> re-checks its condition on the row it waited for, so of
/// concurrent claims or retries exactly one wins, and the change feed's versions come from a counter row taken last
/// in each transaction (see <see cref="ChangedAsync"/>).
/// </summary>
public sealed class PostgresImageCatalog(
    [FromKeyedServices(PostgresRegistration.DataSourceKey)] NpgsqlDataSource dataSource, TimeProvider time) : IImageCatalog
{
    static PostgresImageCatalog() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public async Task<ImageRecord> AddAsync(ImageRecord image, string rawKey, AuditEntry? audit, CancellationToken cancellationToken)
    {
        var now = Now();
        var version = await dataSource.WriteAsync(async (connection, transaction) =>
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO images (id, file_name, format, width, height, size_bytes, created_at, updated_at, uploader_id, uploader_name, facts,
                                        content_sha256, thumb_state, caption_state, search_name)
                    VALUES (@Id, @FileName, @Format, @Width, @Height, @SizeBytes, @CreatedAt, @CreatedAt, @UploaderId, @UploaderName, @Facts,
                            @ContentSha256, 'pending', 'pending', @SearchName)
                    """,
                    new
                    {
                        Id = image.Id.ToString(), image.FileName, Format = image.Format.ToString(), image.Width, image.Height,
                        image.SizeBytes, CreatedAt = image.CreatedAt.ToUnixTimeMilliseconds(), image.UploaderId, image.UploaderName,
                        Facts = ImageRow.FactsJson(image.Facts), image.ContentSha256,
                        SearchName = SearchWords.Of(image.FileName),
                    },
                    transaction, cancellationToken: cancellationToken));
            }
            // A concurrent upload of the same file waited on the index entry and lost: its transaction is rolled back whole.
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "images_content")
            {
                throw new DuplicateContentException(image.ContentSha256!);
            }
            await AppendOutboxAsync(connection, transaction, [rawKey], now, cancellationToken);
            if (audit is not null) await AuditInsert.RunAsync(connection, transaction, audit, cancellationToken);
            return await ChangedAsync(connection, transaction, [image.Id.ToString()], now, cancellationToken);
        }, cancellationToken);
        return image with { Version = version, UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(now) };
    }

    /// <summary>Once an image is gone, its marked neighbours with no other near-duplicate lose their mark.</summary>
    private static async Task UnmarkLonelyNeighboursAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long phash)
    {
        var lonely = new List<string>();
        foreach (var (id, near) in (await connection.QueryAsync<(string Id, long Phash)>(
            SimilarSql.MarkedNear(Distance), new { phash, maxDistance = PerceptualHash.SimilarDistance }, transaction)).AsList())
            if (await connection.ExecuteScalarAsync<int?>(SimilarSql.AnotherNear(Distance), new { id, phash = near, maxDistance = PerceptualHash.SimilarDistance }, transaction) is null)
                lonely.Add(id);
        if (lonely.Count > 0) await connection.ExecuteAsync(SimilarSql.Unmark("id = ANY(@ids)"), new { ids = lonely.ToArray() }, transaction);
    }

    public async Task<IReadOnlyList<SimilarImage>> FindSimilarAsync(ImageId id, int maxDistance, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await DuplicateQueries.FindSimilarAsync(connection, Distance, id, maxDistance, limit, cancellationToken);
    }

    public async Task<ImageRecord?> FindByContentAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await DuplicateQueries.FindByContentAsync(connection, sha256, cancellationToken);
    }

    public async Task<ImageRecord?> GetAsync(ImageId id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ImageRow>(new CommandDefinition(
            $"SELECT {ImageRow.Columns} FROM images WHERE id = @id", new { id = id.ToString() }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<ImagePage> ListAsync(ImageQuery query, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var where = Filter(query.Search, query.State, parameters);
        var sql = ImageFilter.PageSql(query, where, (name, value) => parameters.Add(name, value));

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ImageRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        return ImageRow.Page(rows, query.Limit);
    }

    public async Task<long> CountAsync(ImageQuery query, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var sql = ImageFilter.CountSql(query, Filter(query.Search, query.State, parameters), (name, value) => parameters.Add(name, value));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    /// <summary>The search and state conditions shared by listing and bulk re-captioning.</summary>
    private static List<string> Filter(string? search, WorkState? state, DynamicParameters parameters)
    {
        var where = new List<string>();
        if (SearchWords.Query(search) is { } match)
        {
            where.Add("search @@ to_tsquery('simple', @match)");
            parameters.Add("match", match);
        }
        if (state is { } wanted) where.Add($"(thumb_state, caption_state) IN (VALUES {ImageFilter.StatePairs(wanted)})");
        return where;
    }

    public async Task<WorkClaim> ClaimAsync(ImageId id, Work work, WorkLease lease, CancellationToken cancellationToken)
    {
        var p = ClaimSql.Prefix(work);
        var now = Now();
        var args = new { id = id.ToString(), now, owner = lease.Owner, until = ClaimSql.Until(now, lease) };
        return await dataSource.WriteAsync(async (connection, transaction) =>
        {
            // Concurrent claimers queue on the row lock; each re-checks the condition on the winner's row and finds it taken.
            var claimed = await connection.QuerySingleOrDefaultAsync<ImageRow>(new CommandDefinition(
                $"{ClaimSql.Claim(p)} RETURNING {ImageRow.Columns}", args, transaction, cancellationToken: cancellationToken));
            if (claimed is null)
                return ClaimSql.NotClaimed(await connection.QuerySingleOrDefaultAsync<(string State, long? Until)?>(new CommandDefinition(
                    ClaimSql.Holder(p), args, transaction, cancellationToken: cancellationToken)));
            var attempts = work == Work.Thumbnail ? claimed.ThumbAttempts : claimed.CaptionAttempts;
            if (attempts > WorkAttempts.Max)
            {
                // Earlier attempts never finished: each one took its process down with it. Stop here.
                await connection.ExecuteAsync(new CommandDefinition(
                    ClaimSql.Exhaust(p), new { args.id, now, reason = WorkAttempts.Exhausted }, transaction, cancellationToken: cancellationToken));
                await ChangedAsync(connection, transaction, [args.id], now, cancellationToken);
                return WorkClaim.Nothing;
            }
            claimed.Version = await ChangedAsync(connection, transaction, [args.id], now, cancellationToken);
            claimed.UpdatedAt = now;
            return new WorkClaim(ClaimOutcome.Claimed, claimed.ToRecord());
        }, cancellationToken);
    }

    public async Task<bool> RenewAsync(ImageId id, Work work, WorkLease lease, CancellationToken cancellationToken)
    {
        var p = ClaimSql.Prefix(work);
        var now = Now();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            ClaimSql.Renew(p), new { id = id.ToString(), owner = lease.Owner, until = ClaimSql.Until(now, lease) },
            cancellationToken: cancellationToken)) > 0;
    }

    public async Task ReleaseAsync(ImageId id, Work work, string owner, CancellationToken cancellationToken)
    {
        var p = ClaimSql.Prefix(work);
        await dataSource.WriteAsync(async (connection, transaction) =>
        {
            var args = new { id = id.ToString(), owner };
            var handedBack = await connection.ExecuteAsync(new CommandDefinition($"""
                UPDATE images SET {p}_state = 'pending', {p}_started_at = NULL, {p}_attempts = greatest({p}_attempts - 1, 0)
                WHERE id = @id AND {p}_lease_owner = @owner AND {p}_state = 'processing'
                """, args, transaction, cancellationToken: cancellationToken));
            await EndClaimAsync(connection, transaction, p, args.id, owner, cancellationToken);
            return handedBack > 0 ? await ChangedAsync(connection, transaction, [args.id], Now(), cancellationToken) : 0;
        }, cancellationToken);
    }

    public Task<Completion> CompleteThumbnailAsync(ImageId id, string owner, long? perceptualHash, CancellationToken cancellationToken) =>
        FinishAsync(id, "thumb", owner, generation: null, CompletionSql.ThumbnailDone, new DynamicParameters(new { phash = perceptualHash }), cancellationToken,
            stored: (connection, transaction) => MarkNearDuplicatesAsync(connection, transaction, id, perceptualHash));

    public async Task<IReadOnlyList<ImageId>> FindUnhashedAsync(string after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(SimilarSql.Unhashed, new { after, limit }, cancellationToken: cancellationToken));
        return [.. ids.Select(ImageRow.ParseId)];
    }

    public Task<bool> StoreHashAsync(ImageId id, long perceptualHash, CancellationToken cancellationToken) =>
        dataSource.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(new CommandDefinition(
                SimilarSql.StoreHash, new { id = id.ToString(), phash = perceptualHash }, transaction, cancellationToken: cancellationToken)) == 0) return false;
            await MarkNearDuplicatesAsync(connection, transaction, id, perceptualHash);
            await ChangedAsync(connection, transaction, [id.ToString()], Now(), cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>PostgreSQL (14+) counts the bits of a bit string: the XOR of two bigints, cast.</summary>
    private static string Distance(string a, string b) => $"bit_count(({a} # {b})::bit(64))";

    private static async Task MarkNearDuplicatesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ImageId id, long? perceptualHash)
    {
        if (perceptualHash is not { } phash) return;
        var args = new { id = id.ToString(), phash, maxDistance = PerceptualHash.SimilarDistance };
        var near = (await connection.QueryAsync<string>(SimilarSql.NearIds(Distance), args, transaction)).AsList();
        if (near.Count > 0) await connection.ExecuteAsync(SimilarSql.Mark("id = ANY(@ids)"), new { ids = near.Append(args.id).ToArray() }, transaction);
    }

    public Task<Completion> CompleteCaptionAsync(ImageId id, string owner, long generation, Caption caption, CancellationToken cancellationToken)
    {
        var values = new DynamicParameters(CompletionSql.CaptionValues(caption));
        values.Add("SearchCaption", SearchWords.Of([caption.Text, .. caption.Tags]));
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
        Func<NpgsqlConnection, NpgsqlTransaction, Task>? stored = null) =>
        dataSource.WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            parameters.AddDynamicParams(new { id = id.ToString(), owner, generation, now });
            if (await connection.ExecuteAsync(new CommandDefinition(
                CompletionSql.Finish(p, set, generation), parameters, transaction, cancellationToken: cancellationToken)) > 0)
            {
                if (stored is not null) await stored(connection, transaction); // before the feed's counter row, held to the commit
                await ChangedAsync(connection, transaction, [id.ToString()], now, cancellationToken);
                return Completion.Stored;
            }
            await EndClaimAsync(connection, transaction, p, id.ToString(), owner, cancellationToken);
            var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM images WHERE id = @id)", new { id = id.ToString() }, transaction, cancellationToken: cancellationToken));
            return exists ? Completion.Superseded : Completion.Deleted;
        }, cancellationToken);

    private static Task<int> EndClaimAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string p, string id, string owner, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(ClaimSql.EndClaim(p), new { id, owner }, transaction, cancellationToken: cancellationToken));

    /// <summary>Of concurrent retries the first to lock the row resets it; the others re-check, find nothing failed, and stop.</summary>
    public Task<bool> RetryAsync(ImageId id, string rawKey, CancellationToken cancellationToken) =>
        RestartAsync(id, rawKey, ResetSql.Retry, new { id = id.ToString() }, cancellationToken);

    public Task<bool> RecaptionAsync(ImageId id, string rawKey, CaptionChoice? choice, CancellationToken cancellationToken) =>
        RestartAsync(id, rawKey, $"UPDATE images SET {ResetSql.RecaptionSet} WHERE id = @id",
            new { id = id.ToString(), provider = choice?.Provider, model = choice?.Model }, cancellationToken);

    /// <summary>Resets one image's work with <paramref name="update"/>; when it matched, the work starts again (outbox) and the change is recorded.</summary>
    private Task<bool> RestartAsync(ImageId id, string rawKey, string update, object parameters, CancellationToken cancellationToken) =>
        dataSource.WriteAsync(async (connection, transaction) =>
        {
            var updated = await connection.ExecuteAsync(new CommandDefinition(update, parameters, transaction, cancellationToken: cancellationToken));
            if (updated == 0) return false;
            await AppendOutboxAsync(connection, transaction, [rawKey], Now(), cancellationToken);
            await ChangedAsync(connection, transaction, [id.ToString()], Now(), cancellationToken);
            return true;
        }, cancellationToken);

    public async Task<RecaptionJob> RecaptionAllAsync(
        string? search, WorkState? state, CaptionChoice? choice, Func<ImageId, ImageFormat, string> rawKeyOf, CancellationToken cancellationToken)
    {
        var jobId = Guid.CreateVersion7().ToString();
        var now = Now();
        var parameters = new DynamicParameters(new { provider = choice?.Provider, model = choice?.Model });
        var where = Filter(search, state, parameters);
        var total = await dataSource.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM recaption_jobs WHERE created_at < @cutoff",
                new { cutoff = now - (long)RecaptionJob.Retention.TotalMilliseconds }, transaction, cancellationToken: cancellationToken));
            // Rows are locked in id order, so two bulk re-captions over the same images queue instead of deadlocking.
            var images = (await connection.QueryAsync<(string Id, string Format)>(new CommandDefinition($"""
                UPDATE images SET {ResetSql.RecaptionSet}
                WHERE id IN (SELECT id FROM images {ImageFilter.Where(where)} ORDER BY id FOR UPDATE)
                RETURNING id, format
                """, parameters, transaction, cancellationToken: cancellationToken))).AsList();
            var ids = images.Select(i => i.Id).ToArray();
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO recaption_jobs (id, created_at, provider, model, search, state, total)
                VALUES (@jobId, @now, @provider, @model, @search, @state, @total)
                """,
                new { jobId, now, provider = choice?.Provider, model = choice?.Model, search, state = state?.Name(), total = ids.Length },
                transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO recaption_job_images (job_id, image_id) SELECT @jobId, unnest(@ids)", new { jobId, ids }, transaction,
                cancellationToken: cancellationToken));
            await AppendOutboxAsync(connection, transaction, [.. images.Select(i => rawKeyOf(ImageRow.ParseId(i.Id), Enum.Parse<ImageFormat>(i.Format)))], now,
                cancellationToken);
            await ChangedAsync(connection, transaction, ids, now, cancellationToken);
            return ids.Length;
        }, cancellationToken);
        return new RecaptionJob(jobId, DateTimeOffset.FromUnixTimeMilliseconds(now), choice, search, state, total, 0, 0, 0);
    }

    public async Task<RecaptionJob?> GetRecaptionJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition("""
            SELECT j.id, j.created_at, j.provider, j.model, j.search, j.state, j.total,
                   count(i.id) AS present,
                   count(*) FILTER (WHERE i.caption_state = 'done') AS done,
                   count(*) FILTER (WHERE i.caption_state = 'failed') AS failed
            FROM recaption_jobs j
            LEFT JOIN recaption_job_images ji ON ji.job_id = j.id
            LEFT JOIN images i ON i.id = ji.image_id
            WHERE j.id = @jobId
            GROUP BY j.id
            """, new { jobId }, cancellationToken: cancellationToken));
        return row?.ToJob();
    }

    public async Task<ReviewResult> ReviewAsync(ImageId id, Review review, AuditEntry? audit, CancellationToken cancellationToken) =>
        await dataSource.WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var args = new DynamicParameters(ReviewSql.Values(id.ToString(), review, now));
            args.Add("searchAnnotation", SearchWords.Of(ReviewSql.SearchedTexts(review)));
            if (await connection.ExecuteAsync(new CommandDefinition(
                    ReviewSql.Update(review, ", search_annotation = @searchAnnotation"), args, transaction, cancellationToken: cancellationToken)) == 0)
                return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                        "SELECT EXISTS (SELECT 1 FROM images WHERE id = @id)", args, transaction, cancellationToken: cancellationToken))
                    ? new ReviewResult(ReviewOutcome.NoPrediction, null)
                    : new ReviewResult(ReviewOutcome.NotFound, null);
            if (audit is not null) await AuditInsert.RunAsync(connection, transaction, audit, cancellationToken);
            await ChangedAsync(connection, transaction, [id.ToString()], now, cancellationToken);
            var row = await connection.QuerySingleAsync<ImageRow>(new CommandDefinition(
                $"SELECT {ImageRow.Columns} FROM images WHERE id = @id", args, transaction, cancellationToken: cancellationToken));
            return new ReviewResult(ReviewOutcome.Stored, row.ToRecord());
        }, cancellationToken);

    public async Task<IReadOnlyList<ImageId>> AcceptAllAsync(IReadOnlyCollection<ImageId> ids, Reviewer by, AuditEntry? audit, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return [];
        var now = Now();
        var accepted = await dataSource.WriteAsync(async (connection, transaction) =>
        {
            var done = (await connection.QueryAsync<string>(new CommandDefinition(
                $"UPDATE images SET {ReviewSql.Accept}, search_annotation = '' WHERE id = ANY(@ids) AND {ReviewSql.Acceptable} RETURNING id",
                new { ids = ids.Select(i => i.ToString()).ToArray(), byId = by.Id, byName = by.Name, now }, transaction,
                cancellationToken: cancellationToken))).ToArray();
            if (audit is not null && done.Length > 0)
                await AuditInsert.RunAsync(connection, transaction, audit with { Detail = $"{done.Length} image(s)" }, cancellationToken);
            await ChangedAsync(connection, transaction, done, now, cancellationToken);
            return done;
        }, cancellationToken);
        return [.. accepted.Select(ImageRow.ParseId)];
    }

    public async Task<ImageRecord?> DeleteAsync(ImageId id, CancellationToken cancellationToken)
    {
        var row = await dataSource.WriteAsync(async (connection, transaction) =>
        {
            var deleted = await connection.QuerySingleOrDefaultAsync<ImageRow>(new CommandDefinition(
                $"DELETE FROM images WHERE id = @id RETURNING {ImageRow.Columns}", new { id = id.ToString() }, transaction, cancellationToken: cancellationToken));
            if (deleted is null) return null;
            if (deleted.Phash is { } phash) await UnmarkLonelyNeighboursAsync(connection, transaction, phash);
            await ChangedAsync(connection, transaction, [id.ToString()], Now(), cancellationToken, deleted: true);
            return deleted;
        }, cancellationToken);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<(ImageId Id, ImageFormat Format)>> FindStalledAsync(DateTimeOffset unchangedSince, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, string Format)>(new CommandDefinition(
            StalledSql.Find, new { now = Now(), before = unchangedSince.ToUnixTimeMilliseconds(), limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => (ImageRow.ParseId(r.Id), Enum.Parse<ImageFormat>(r.Format)))];
    }

    public async Task<IReadOnlySet<ImageId>> FindMissingAsync(IReadOnlyCollection<ImageId> ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var found = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM images WHERE id = ANY(@ids)", new { ids = ids.Select(i => i.ToString()).ToArray() }, cancellationToken: cancellationToken))).ToHashSet();
        return ids.Where(id => !found.Contains(id.ToString())).ToHashSet();
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT version FROM feed_counter", cancellationToken: cancellationToken));
    }

private static Task<int> AppendOutboxAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string[] rawKeys, long now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO outbox (object_key, created_at) SELECT unnest(@rawKeys), @now", new { rawKeys, now }, transaction, cancellationToken: cancellationToken));

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Appends one change per image to the feed and stamps each image with its version; returns the last version.
    /// The versions come from the <c>feed_counter</c> row, whose lock this transaction then holds until it commits:
    /// a concurrent writer waits here for it, so versions commit in the order they are handed out, with no gap (a
    /// rollback gives its numbers back). Called last in every transaction, after the image's own update, so the
    /// lock is held for as short a time as possible and always after the image rows (no lock-order deadlock).
    /// </summary>
    private static async Task<long> ChangedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string[] ids, long now, CancellationToken cancellationToken, bool deleted = false)
    {
        if (ids.Length == 0) return 0;
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            WITH counter AS (UPDATE feed_counter SET version = version + cardinality(@ids) RETURNING version AS last),
                 changes AS (SELECT c.image_id, counter.last - cardinality(@ids) + c.n AS change_version
                             FROM counter, unnest(@ids) WITH ORDINALITY AS c(image_id, n)),
                 feed AS (INSERT INTO image_changes (version, image_id, deleted, changed_at)
                          SELECT change_version, image_id, @deleted, @now FROM changes),
                 stamped AS (UPDATE images SET version = changes.change_version, updated_at = @now
                             FROM changes WHERE images.id = changes.image_id)
            SELECT last FROM counter
            """, new { ids, deleted, now }, transaction, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<ImageChange>> ReadChangesAsync(long afterVersion, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Version, string ImageId, bool Deleted, long ChangedAt)>(new CommandDefinition(
            "SELECT version, image_id, deleted, changed_at FROM image_changes WHERE version > @afterVersion ORDER BY version LIMIT @limit",
            new { afterVersion, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => ChangeRow.ToChange(r.Version, r.ImageId, r.Deleted, r.ChangedAt))];
    }

    public async Task<long> LatestVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The counter, not max(version): pruning may have emptied the feed, and versions must never go back.
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT version FROM feed_counter", cancellationToken: cancellationToken));
    }

    public async Task PruneChangesAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM image_changes WHERE changed_at < @before AND version < (SELECT version FROM feed_counter)",
            new { before = before.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }
}
