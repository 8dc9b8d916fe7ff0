using System.Text.Json;
using Annotator.Access;
using Annotator.Captioning;
using Annotator.Sql;
using Annotator.Catalog.Sql;
using Annotator.Images;
using Annotator.Thumbnails;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Annotator.Catalog.Sqlite;

/// <summary>
/// The embedded catalog: SQLite with FTS5 search. Every change appends to <c>image_changes</c> in its own
/// transaction; SQLite has one writer at a time, so versions are in commit order by construction.
/// </summary>
public sealed class SqliteImageCatalog(SqliteDatabase database, TimeProvider time) : IImageCatalog
{
    static SqliteImageCatalog() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public async Task<ImageRecord> AddAsync(ImageRecord image, string rawKey, AuditEntry? audit, CancellationToken cancellationToken)
    {
        var now = Now();
        var version = await database.WriteAsync((connection, transaction) =>
        {
            try
            {
                connection.Execute("""
                    INSERT INTO images (id, file_name, format, width, height, size_bytes, created_at, updated_at, uploader_id, uploader_name, facts, content_sha256, thumb_state, caption_state)
                    VALUES (@Id, @FileName, @Format, @Width, @Height, @SizeBytes, @CreatedAt, @CreatedAt, @UploaderId, @UploaderName, @Facts, @ContentSha256, 'pending', 'pending')
                    """,
                    new
                    {
                        Id = image.Id.ToString(), image.FileName, Format = image.Format.ToString(), image.Width, image.Height,
                        image.SizeBytes, CreatedAt = image.CreatedAt.ToUnixTimeMilliseconds(), image.UploaderId, image.UploaderName,
                        Facts = ImageRow.FactsJson(image.Facts), image.ContentSha256,
                    },
                    transaction);
            }
            // SQLITE_CONSTRAINT_UNIQUE on the content index; the transaction is rolled back by its disposal.
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == 2067 && e.Message.Contains("content_sha256", StringComparison.Ordinal))
            {
                throw new DuplicateContentException(image.ContentSha256!);
            }
            AppendOutbox(connection, transaction, rawKey, now);
            if (audit is not null) AuditInsert.Run(connection, transaction, audit);
            return Changed(connection, transaction, image.Id.ToString(), now);
        }, cancellationToken);
        return image with { Version = version, UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(now) };
    }

    public async Task<ImageRecord?> FindByContentAsync(string sha256, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        return await DuplicateQueries.FindByContentAsync(connection, sha256, cancellationToken);
    }

    public async Task<ImageRecord?> GetAsync(ImageId id, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var row = await connection.QuerySingleOrDefaultAsync<ImageRow>(
            new CommandDefinition($"SELECT {ImageRow.Columns} FROM images WHERE id = @id", new { id = id.ToString() }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<ImagePage> ListAsync(ImageQuery query, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var where = Filter(query.Search, query.State, parameters);
        var sql = ImageFilter.PageSql(query, where, (name, value) => parameters.Add(name, value));

        using var connection = database.Open();
        var rows = (await connection.QueryAsync<ImageRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        return ImageRow.Page(rows, query.Limit);
    }

    public async Task<long> CountAsync(ImageQuery query, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var sql = ImageFilter.CountSql(query, Filter(query.Search, query.State, parameters), (name, value) => parameters.Add(name, value));
        using var connection = database.Open();
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    /// <summary>The search and state conditions shared by listing and bulk re-captioning.</summary>
    private static List<string> Filter(string? search, WorkState? state, DynamicParameters parameters)
    {
        var where = new List<string>();
        if (FullTextQuery.From(search) is { } match)
        {
            where.Add("seq IN (SELECT rowid FROM images_fts WHERE images_fts MATCH @match)");
            parameters.Add("match", match);
        }
        if (state is { } wanted) where.Add($"(thumb_state, caption_state) IN (VALUES {ImageFilter.StatePairs(wanted)})");
        return where;
    }

    public async Task<WorkClaim> ClaimAsync(ImageId id, Work work, WorkLease lease, CancellationToken cancellationToken)
    {
        var p = ClaimSql.Prefix(work);
        var now = Now();
        return await database.WriteAsync((connection, transaction) =>
        {
            var args = new { id = id.ToString(), now, owner = lease.Owner, until = ClaimSql.Until(now, lease) };
            var attempts = connection.ExecuteScalar<long?>($"{ClaimSql.Claim(p)} RETURNING {p}_attempts", args, transaction);
            if (attempts is null)
                return ClaimSql.NotClaimed(connection.QuerySingleOrDefault<(string State, long? Until)?>(ClaimSql.Holder(p), args, transaction));
            Changed(connection, transaction, args.id, now);
            if (attempts <= WorkAttempts.Max)
                return new WorkClaim(ClaimOutcome.Claimed, Get(connection, transaction, args.id));
            // Earlier attempts never finished: each one took its process down with it. Stop here.
            connection.Execute(ClaimSql.Exhaust(p), new { args.id, now, reason = WorkAttempts.Exhausted }, transaction);
            return WorkClaim.Nothing;
        }, cancellationToken);
    }

    public async Task<bool> RenewAsync(ImageId id, Work work, WorkLease lease, CancellationToken cancellationToken)
    {
        var p = ClaimSql.Prefix(work);
        var now = Now();
        return await database.WriteAsync((connection, transaction) => connection.Execute(
            ClaimSql.Renew(p), new { id = id.ToString(), owner = lease.Owner, until = ClaimSql.Until(now, lease) }, transaction), cancellationToken) > 0;
    }

    public async Task ReleaseAsync(ImageId id, Work work, string owner, CancellationToken cancellationToken)
    {
        var p = ClaimSql.Prefix(work);
        await database.WriteAsync((connection, transaction) =>
        {
            var args = new { id = id.ToString(), owner };
            var handedBack = connection.Execute($"""
                UPDATE images SET {p}_state = 'pending', {p}_started_at = NULL, {p}_attempts = max({p}_attempts - 1, 0)
                WHERE id = @id AND {p}_lease_owner = @owner AND {p}_state = 'processing'
                """, args, transaction);
            EndClaim(connection, transaction, p, args.id, owner);
            if (handedBack > 0) Changed(connection, transaction, args.id, Now());
            return 0;
        }, cancellationToken);
    }

    public async Task<Completion> CompleteThumbnailAsync(ImageId id, string owner, long? perceptualHash, CancellationToken cancellationToken)
    {
        // The scan for near images is a read, done before taking the one write gate (it costs ~90 ms at 100,000 images).
        var near = await NearIdsAsync(id, perceptualHash, cancellationToken);
        return await FinishAsync(id, "thumb", owner, generation: null, CompletionSql.ThumbnailDone, new DynamicParameters(new { phash = perceptualHash }), cancellationToken,
            stored: (connection, transaction) =>
            {
                if (near.Count > 0) connection.Execute(SimilarSql.Mark(IdIn), new { ids = Ids(near.Append(id.ToString())) }, transaction);
            });
    }

    public async Task<IReadOnlyList<ImageId>> FindUnhashedAsync(string after, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var ids = await connection.QueryAsync<string>(new CommandDefinition(SimilarSql.Unhashed, new { after, limit }, cancellationToken: cancellationToken));
        return [.. ids.Select(ImageRow.ParseId)];
    }

    public async Task<bool> StoreHashAsync(ImageId id, long perceptualHash, CancellationToken cancellationToken)
    {
        var near = await NearIdsAsync(id, perceptualHash, cancellationToken);
        return await database.WriteAsync((connection, transaction) =>
        {
            if (connection.Execute(SimilarSql.StoreHash, new { id = id.ToString(), phash = perceptualHash }, transaction) == 0) return false;
            if (near.Count > 0) connection.Execute(SimilarSql.Mark(IdIn), new { ids = Ids(near.Append(id.ToString())) }, transaction);
            Changed(connection, transaction, id.ToString(), Now());
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// An id in the list <c>@ids</c>, one JSON array parameter (<see cref="Ids"/>). Dapper would expand <c>IN @ids</c> to a
    /// parameter per id, and SQLite finds each by name in a list: binding 1,000 ids (a burst of near-duplicates) made a
    /// million string comparisons.
    /// </summary>
    private const string IdIn = "id IN (SELECT value FROM json_each(@ids))";

    private static string Ids(IEnumerable<string> ids) => JsonSerializer.Serialize(ids);

    /// <summary>SQLite has no popcount: <c>hamming64(a, b)</c> is registered on every connection (<see cref="SqliteDatabase.Open"/>).</summary>
    private static string Distance(string a, string b) => $"hamming64({a}, {b})";

    private async Task<List<string>> NearIdsAsync(ImageId id, long? perceptualHash, CancellationToken cancellationToken)
    {
        if (perceptualHash is not { } phash) return [];
        using var connection = database.Open();
        return (await connection.QueryAsync<string>(new CommandDefinition(SimilarSql.NearIds(Distance),
            new { id = id.ToString(), phash, maxDistance = PerceptualHash.SimilarDistance }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Once an image is gone, its marked neighbours with no other near-duplicate lose their mark.</summary>
    private static void UnmarkLonelyNeighbours(SqliteConnection connection, SqliteTransaction transaction, long phash)
    {
        var neighbours = connection.Query<(string Id, long Phash)>(
            SimilarSql.MarkedNear(Distance), new { phash, maxDistance = PerceptualHash.SimilarDistance }, transaction);
        var lonely = neighbours.Where(n => connection.ExecuteScalar<long?>(
            SimilarSql.AnotherNear(Distance), new { id = n.Id, phash = n.Phash, maxDistance = PerceptualHash.SimilarDistance }, transaction) is null)
            .Select(n => n.Id).ToList();
        if (lonely.Count > 0) connection.Execute(SimilarSql.Unmark(IdIn), new { ids = Ids(lonely) }, transaction);
    }

    public async Task<IReadOnlyList<SimilarImage>> FindSimilarAsync(ImageId id, int maxDistance, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        return await DuplicateQueries.FindSimilarAsync(connection, Distance, id, maxDistance, limit, cancellationToken);
    }

    public Task<Completion> CompleteCaptionAsync(ImageId id, string owner, long generation, Caption caption, CancellationToken cancellationToken) =>
        FinishAsync(id, "caption", owner, generation, CompletionSql.CaptionDone, new DynamicParameters(CompletionSql.CaptionValues(caption)), cancellationToken);

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
        Action<SqliteConnection, SqliteTransaction>? stored = null) =>
        database.WriteAsync((connection, transaction) =>
        {
            var now = Now();
            parameters.AddDynamicParams(new { id = id.ToString(), owner, generation, now });
            if (connection.Execute(CompletionSql.Finish(p, set, generation), parameters, transaction) > 0)
            {
                stored?.Invoke(connection, transaction);
                Changed(connection, transaction, id.ToString(), now);
                return Completion.Stored;
            }
            EndClaim(connection, transaction, p, id.ToString(), owner);
            var exists = connection.ExecuteScalar<long>("SELECT count(*) FROM images WHERE id = @id", new { id = id.ToString() }, transaction) > 0;
            return exists ? Completion.Superseded : Completion.Deleted;
        }, cancellationToken);

    private static void EndClaim(SqliteConnection connection, SqliteTransaction transaction, string p, string id, string owner) =>
        connection.Execute(ClaimSql.EndClaim(p), new { id, owner }, transaction);

    public Task<bool> RetryAsync(ImageId id, string rawKey, CancellationToken cancellationToken) =>
        RestartAsync(id, rawKey, ResetSql.Retry, new { id = id.ToString() }, cancellationToken);

    public Task<bool> RecaptionAsync(ImageId id, string rawKey, CaptionChoice? choice, CancellationToken cancellationToken) =>
        RestartAsync(id, rawKey, $"UPDATE images SET {ResetSql.RecaptionSet} WHERE id = @id",
            new { id = id.ToString(), provider = choice?.Provider, model = choice?.Model }, cancellationToken);

    /// <summary>Resets one image's work with <paramref name="update"/>; when it matched, the work starts again (outbox) and the change is recorded.</summary>
    private Task<bool> RestartAsync(ImageId id, string rawKey, string update, object parameters, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) =>
        {
            var updated = connection.Execute(update, parameters, transaction);
            if (updated == 0) return false;
            AppendOutbox(connection, transaction, rawKey, Now());
            Changed(connection, transaction, id.ToString(), Now());
            return true;
        }, cancellationToken);

    public async Task<RecaptionJob> RecaptionAllAsync(
        string? search, WorkState? state, CaptionChoice? choice, Func<ImageId, ImageFormat, string> rawKeyOf, CancellationToken cancellationToken)
    {
        var jobId = Guid.CreateVersion7().ToString();
        var now = Now();
        var parameters = new DynamicParameters(new { provider = choice?.Provider, model = choice?.Model });
        var where = Filter(search, state, parameters);
        var ids = await database.WriteAsync((connection, transaction) =>
        {
            connection.Execute("DELETE FROM recaption_jobs WHERE created_at < @cutoff",
                new { cutoff = now - (long)RecaptionJob.Retention.TotalMilliseconds }, transaction);
            var images = connection.Query<(string Id, string Format)>(
                $"UPDATE images SET {ResetSql.RecaptionSet} {ImageFilter.Where(where)} RETURNING id, format", parameters, transaction).AsList();
            connection.Execute("""
                INSERT INTO recaption_jobs (id, created_at, provider, model, search, state, total)
                VALUES (@jobId, @now, @provider, @model, @search, @state, @total)
                """,
                new { jobId, now, provider = choice?.Provider, model = choice?.Model, search, state = state?.Name(), total = images.Count }, transaction);
            connection.Execute("INSERT INTO recaption_job_images (job_id, image_id) VALUES (@jobId, @Id)",
                images.Select(i => new { jobId, i.Id }), transaction);
            connection.Execute("INSERT INTO outbox (object_key, created_at) VALUES (@rawKey, @now)",
                images.Select(i => new
                {
                    rawKey = rawKeyOf(ImageRow.ParseId(i.Id), Enum.Parse<ImageFormat>(i.Format)),
                    now,
                }), transaction);
            foreach (var image in images) Changed(connection, transaction, image.Id, now);
            return images.Select(i => i.Id).ToList();
        }, cancellationToken);
        return new RecaptionJob(jobId, DateTimeOffset.FromUnixTimeMilliseconds(now), choice, search, state, ids.Count, 0, 0, 0);
    }

    public async Task<RecaptionJob?> GetRecaptionJobAsync(string jobId, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition("""
            SELECT j.id, j.created_at, j.provider, j.model, j.search, j.state, j.total,
                   count(i.id) AS present,
                   coalesce(sum(i.caption_state = 'done'), 0) AS done,
                   coalesce(sum(i.caption_state = 'failed'), 0) AS failed
            FROM recaption_jobs j
            LEFT JOIN recaption_job_images ji ON ji.job_id = j.id
            LEFT JOIN images i ON i.id = ji.image_id
            WHERE j.id = @jobId
            GROUP BY j.id
            """, new { jobId }, cancellationToken: cancellationToken));
        return row?.ToJob();
    }

    public async Task<ReviewResult> ReviewAsync(ImageId id, Review review, AuditEntry? audit, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) =>
        {
            var now = Now();
            if (connection.Execute(ReviewSql.Update(review), ReviewSql.Values(id.ToString(), review, now), transaction) == 0)
                return Get(connection, transaction, id.ToString()) is null
                    ? new ReviewResult(ReviewOutcome.NotFound, null)
                    : new ReviewResult(ReviewOutcome.NoPrediction, null);
            if (audit is not null) AuditInsert.Run(connection, transaction, audit);
            Changed(connection, transaction, id.ToString(), now);
            return new ReviewResult(ReviewOutcome.Stored, Get(connection, transaction, id.ToString()));
        }, cancellationToken);

    public async Task<IReadOnlyList<ImageId>> AcceptAllAsync(IReadOnlyCollection<ImageId> ids, Reviewer by, AuditEntry? audit, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return [];
        var now = Now();
        var accepted = await database.WriteAsync((connection, transaction) =>
        {
            var done = connection.Query<string>(
                $"UPDATE images SET {ReviewSql.Accept} WHERE {IdIn} AND {ReviewSql.Acceptable} RETURNING id",
                new { ids = Ids(ids.Select(i => i.ToString())), byId = by.Id, byName = by.Name, now }, transaction).AsList();
            if (audit is not null && done.Count > 0) AuditInsert.Run(connection, transaction, audit with { Detail = $"{done.Count} image(s)" });
            foreach (var id in done) Changed(connection, transaction, id, now);
            return done;
        }, cancellationToken);
        return [.. accepted.Select(ImageRow.ParseId)];
    }

    public async Task<ImageRecord?> DeleteAsync(ImageId id, CancellationToken cancellationToken)
    {
        var row = await database.WriteAsync((connection, transaction) =>
        {
            var deleted = connection.QuerySingleOrDefault<ImageRow>(
                $"DELETE FROM images WHERE id = @id RETURNING {ImageRow.Columns}", new { id = id.ToString() }, transaction);
            if (deleted is null) return null;
            if (deleted.Phash is { } phash) UnmarkLonelyNeighbours(connection, transaction, phash);
            Changed(connection, transaction, id.ToString(), Now(), deleted: true);
            return deleted;
        }, cancellationToken);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<(ImageId Id, ImageFormat Format)>> FindStalledAsync(DateTimeOffset unchangedSince, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var rows = await connection.QueryAsync<(string Id, string Format)>(new CommandDefinition(
            StalledSql.Find, new { now = Now(), before = unchangedSince.ToUnixTimeMilliseconds(), limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => (ImageRow.ParseId(r.Id), Enum.Parse<ImageFormat>(r.Format)))];
    }

    public async Task<IReadOnlySet<ImageId>> FindMissingAsync(IReadOnlyCollection<ImageId> ids, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var found = (await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT id FROM images WHERE {IdIn}", new { ids = Ids(ids.Select(i => i.ToString())) }, cancellationToken: cancellationToken))).ToHashSet();
        return ids.Where(id => !found.Contains(id.ToString())).ToHashSet();
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM outbox", cancellationToken: cancellationToken));
    }

    private static void AppendOutbox(SqliteConnection connection, SqliteTransaction transaction, string rawKey, long now) =>
        connection.Execute("INSERT INTO outbox (object_key, created_at) VALUES (@rawKey, @now)", new { rawKey, now }, transaction);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static ImageRecord? Get(SqliteConnection connection, SqliteTransaction transaction, string id) =>
        connection.QuerySingleOrDefault<ImageRow>($"SELECT {ImageRow.Columns} FROM images WHERE id = @id", new { id }, transaction)?.ToRecord();

    /// <summary>Appends the change to the feed and stamps the image with its version, in the change's transaction.</summary>
    private static long Changed(SqliteConnection connection, SqliteTransaction transaction, string id, long now, bool deleted = false)
    {
        var version = connection.ExecuteScalar<long>(
            "INSERT INTO image_changes (image_id, deleted, changed_at) VALUES (@id, @deleted, @now) RETURNING version",
            new { id, deleted, now }, transaction);
        if (!deleted) connection.Execute("UPDATE images SET version = @version, updated_at = @now WHERE id = @id", new { id, version, now }, transaction);
        return version;
    }

    public async Task<IReadOnlyList<ImageChange>> ReadChangesAsync(long afterVersion, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var rows = await connection.QueryAsync<(long Version, string ImageId, bool Deleted, long ChangedAt)>(new CommandDefinition(
            "SELECT version, image_id, deleted, changed_at FROM image_changes WHERE version > @afterVersion ORDER BY version LIMIT @limit",
            new { afterVersion, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => ChangeRow.ToChange(r.Version, r.ImageId, r.Deleted, r.ChangedAt))];
    }

    public async Task<long> LatestVersionAsync(CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        // sqlite_sequence, not max(version): pruning may have emptied the table, and versions must never go back.
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT seq FROM sqlite_sequence WHERE name = 'image_changes'", cancellationToken: cancellationToken)) ?? 0;
    }

    public Task PruneChangesAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.Execute(
            "DELETE FROM image_changes WHERE changed_at < @before AND version < (SELECT max(version) FROM image_changes)",
            new { before = before.ToUnixTimeMilliseconds() }, transaction), cancellationToken);
}
