using Annotator.Sql;
using Annotator.Access;
using Annotator.Captioning;
using Annotator.Catalog.Sql;
using Annotator.Images;
using Annotator.Thumbnails;
using Dapper;
using MySqlConnector;

namespace Annotator.Catalog.MySql;

/// <summary>
/// The catalog on MariaDB 10.11+ or MySQL 8, shared by any number of nodes. Every write is one transaction that
/// ends by appending its change to the feed (<see cref="FeedVersions"/>); search runs on stored, normalised words
/// (<see cref="SearchWords"/>, <see cref="FullTextSearch"/>). No <c>RETURNING</c> (MySQL has none, MariaDB none for
/// UPDATE): a write counts the rows its UPDATE matched and reads back in its own transaction. Claims, the change
/// feed and work completion are in the other parts of this class.
/// </summary>
public sealed partial class MySqlImageCatalog(MySqlDatabase database, TimeProvider time) : IImageCatalog
{
    static MySqlImageCatalog() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public async Task<ImageRecord> AddAsync(ImageRecord image, string rawKey, AuditEntry? audit, CancellationToken cancellationToken)
    {
        var now = Now();
        var version = await database.WriteAsync(async (connection, transaction) =>
        {
            try
            {
                await connection.ExecuteAsync("""
                    INSERT INTO images (id, file_name, format, width, height, size_bytes, created_at, updated_at, uploader_id, uploader_name, facts,
                                        content_sha256, thumb_state, caption_state, search_name, search_caption)
                    VALUES (@Id, @FileName, @Format, @Width, @Height, @SizeBytes, @CreatedAt, @CreatedAt, @UploaderId, @UploaderName, @Facts,
                            @ContentSha256, 'pending', 'pending', @SearchName, '')
                    """,
                    new
                    {
                        Id = image.Id.ToString(), image.FileName, Format = image.Format.ToString(), image.Width, image.Height,
                        image.SizeBytes, CreatedAt = image.CreatedAt.ToUnixTimeMilliseconds(), image.UploaderId, image.UploaderName,
                        Facts = ImageRow.FactsJson(image.Facts), image.ContentSha256,
                        SearchName = SearchWords.Stored(image.FileName),
                    },
                    transaction);
            }
            // A concurrent upload of the same file waited on the key and lost: its transaction is rolled back whole.
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry && e.Message.Contains("images_content", StringComparison.Ordinal))
            {
                throw new DuplicateContentException(image.ContentSha256!);
            }
            await AppendOutboxAsync(connection, transaction, rawKey, now);
            if (audit is not null) await AuditInsert.RunAsync(connection, transaction, audit, CancellationToken.None);
            return await FeedVersions.AppendAsync(connection, transaction, image.Id.ToString(), now);
        }, cancellationToken);
        return image with { Version = version, UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(now) };
    }

    /// <summary>Once an image is gone, its marked neighbours with no other near-duplicate lose their mark.</summary>
    private static async Task UnmarkLonelyNeighboursAsync(MySqlConnection connection, MySqlTransaction transaction, long phash)
    {
        var lonely = new List<string>();
        foreach (var (id, near) in await connection.QueryAsync<(string Id, long Phash)>(
            SimilarSql.MarkedNear(Distance), new { phash, maxDistance = PerceptualHash.SimilarDistance }, transaction))
            if (await connection.ExecuteScalarAsync<long?>(SimilarSql.AnotherNear(Distance), new { id, phash = near, maxDistance = PerceptualHash.SimilarDistance }, transaction) is null)
                lonely.Add(id);
        if (lonely.Count > 0) await connection.ExecuteAsync(SimilarSql.Unmark("id IN @ids"), new { ids = lonely.ToArray() }, transaction);
    }

    public async Task<IReadOnlyList<SimilarImage>> FindSimilarAsync(ImageId id, int maxDistance, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await DuplicateQueries.FindSimilarAsync(connection, Distance, id, maxDistance, limit, cancellationToken);
    }

    public async Task<ImageRecord?> FindByContentAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await DuplicateQueries.FindByContentAsync(connection, sha256, cancellationToken);
    }

    public async Task<ImageRecord?> GetAsync(ImageId id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ImageRow>(
            new CommandDefinition($"SELECT {ImageRow.Columns} FROM images WHERE id = @id", new { id = id.ToString() }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<ImagePage> ListAsync(ImageQuery query, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var where = await FilterAsync(query.Search, query.State, parameters, cancellationToken);
        var sql = ImageFilter.PageSql(query, where, (name, value) => parameters.Add(name, value));

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ImageRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        return ImageRow.Page(rows, query.Limit);
    }

    public async Task<long> CountAsync(ImageQuery query, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var where = await FilterAsync(query.Search, query.State, parameters, cancellationToken);
        var sql = ImageFilter.CountSql(query, where, (name, value) => parameters.Add(name, value));
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    /// <summary>The search and state conditions shared by listing and bulk re-captioning.</summary>
    private async Task<List<string>> FilterAsync(string? search, WorkState? state, DynamicParameters parameters, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        if (!string.IsNullOrWhiteSpace(search)
            && FullTextSearch.Condition(search, await database.FullTextLimitsAsync(cancellationToken), parameters) is { } match)
            where.Add(match);
        if (state is { } wanted) where.Add($"(thumb_state, caption_state) IN ({ImageFilter.StatePairs(wanted)})");
        return where;
    }

    public Task<bool> RetryAsync(ImageId id, string rawKey, CancellationToken cancellationToken) =>
        RestartAsync(id, rawKey, ResetSql.Retry, new { id = id.ToString() }, cancellationToken);

    public Task<bool> RecaptionAsync(ImageId id, string rawKey, CaptionChoice? choice, CancellationToken cancellationToken) =>
        RestartAsync(id, rawKey, $"UPDATE images SET {ResetSql.RecaptionSet} WHERE id = @id",
            new { id = id.ToString(), provider = choice?.Provider, model = choice?.Model }, cancellationToken);

    /// <summary>Resets one image's work with <paramref name="update"/>; when it matched, the work starts again (outbox) and the change is recorded.</summary>
    private Task<bool> RestartAsync(ImageId id, string rawKey, string update, object parameters, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var updated = await connection.ExecuteAsync(update, parameters, transaction);
            if (updated == 0) return false;
            await AppendOutboxAsync(connection, transaction, rawKey, Now());
            await FeedVersions.AppendAsync(connection, transaction, id.ToString(), Now());
            return true;
        }, cancellationToken);

    public async Task<RecaptionJob> RecaptionAllAsync(
        string? search, WorkState? state, CaptionChoice? choice, Func<ImageId, ImageFormat, string> rawKeyOf, CancellationToken cancellationToken)
    {
        var jobId = Guid.CreateVersion7().ToString();
        var now = Now();
        var parameters = new DynamicParameters();
        var where = await FilterAsync(search, state, parameters, cancellationToken);
        var count = await database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("DELETE FROM recaption_jobs WHERE created_at < @cutoff",
                new { cutoff = now - (long)RecaptionJob.Retention.TotalMilliseconds }, transaction);
            // Locks what it changes; two bulk re-captions may lock in different orders, and then InnoDB rolls one back whole and WriteAsync runs it again.
            var images = (await connection.QueryAsync<(string Id, string Format)>(
                $"SELECT id, format FROM images {ImageFilter.Where(where)} ORDER BY id FOR UPDATE", parameters, transaction)).AsList();
            var ids = images.Select(i => i.Id).ToList();
            foreach (var chunk in ids.Chunk(1000))
                await connection.ExecuteAsync($"UPDATE images SET {ResetSql.RecaptionSet} WHERE id IN @chunk",
                    new { chunk, provider = choice?.Provider, model = choice?.Model }, transaction);
            await connection.ExecuteAsync("""
                INSERT INTO recaption_jobs (id, created_at, provider, model, search, state, total)
                VALUES (@jobId, @now, @provider, @model, @search, @state, @total)
                """,
                new { jobId, now, provider = choice?.Provider, model = choice?.Model, search, state = state?.Name(), total = images.Count }, transaction);
            await BulkInsert.RunAsync(connection, transaction, "recaption_job_images (job_id, image_id)",
                ids.Select(id => new object?[] { jobId, id }).ToList());
            await BulkInsert.RunAsync(connection, transaction, "outbox (object_key, created_at)",
                images.Select(i => new object?[] { rawKeyOf(ImageRow.ParseId(i.Id), Enum.Parse<ImageFormat>(i.Format)), now }).ToList());
            await FeedVersions.AppendAsync(connection, transaction, ids, now);
            return images.Count;
        }, cancellationToken);
        return new RecaptionJob(jobId, DateTimeOffset.FromUnixTimeMilliseconds(now), choice, search, state, count, 0, 0, 0);
    }

    public async Task<RecaptionJob?> GetRecaptionJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Counted in a derived table rather than GROUP BY j.id: MariaDB's ONLY_FULL_GROUP_BY, when a server sets it,
        // does not see that the job's other columns depend on its key.
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition("""
            SELECT j.id, j.created_at, j.provider, j.model, j.search, j.state, j.total, p.present, p.done, p.failed
            FROM recaption_jobs j
            CROSS JOIN (
                SELECT count(i.id) AS present,
                       CAST(coalesce(sum(i.caption_state = 'done'), 0) AS SIGNED) AS done,
                       CAST(coalesce(sum(i.caption_state = 'failed'), 0) AS SIGNED) AS failed
                FROM recaption_job_images ji
                JOIN images i ON i.id = ji.image_id
                WHERE ji.job_id = @jobId
            ) p
            WHERE j.id = @jobId
            """, new { jobId }, cancellationToken: cancellationToken));
        return row?.ToJob();
    }

    public async Task<ReviewResult> ReviewAsync(ImageId id, Review review, AuditEntry? audit, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var args = new DynamicParameters(ReviewSql.Values(id.ToString(), review, now));
            args.Add("searchAnnotation", SearchWords.Stored(ReviewSql.SearchedTexts(review)));
            if (await connection.ExecuteAsync(ReviewSql.Update(review, ", search_annotation = @searchAnnotation"), args, transaction) == 0)
                return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM images WHERE id = @id", args, transaction) == 0
                    ? new ReviewResult(ReviewOutcome.NotFound, null)
                    : new ReviewResult(ReviewOutcome.NoPrediction, null);
            if (audit is not null) await AuditInsert.RunAsync(connection, transaction, audit, CancellationToken.None);
            var version = await FeedVersions.AppendAsync(connection, transaction, id.ToString(), now);
            var row = await connection.QuerySingleAsync<ImageRow>($"SELECT {ImageRow.Columns} FROM images WHERE id = @id", args, transaction);
            return new ReviewResult(ReviewOutcome.Stored, row.ToRecord() with { Version = version });
        }, cancellationToken);

    public async Task<IReadOnlyList<ImageId>> AcceptAllAsync(IReadOnlyCollection<ImageId> ids, Reviewer by, AuditEntry? audit, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return [];
        var now = Now();
        var accepted = await database.WriteAsync(async (connection, transaction) =>
        {
            // No RETURNING on UPDATE: the rows are locked and read first, in id order, then changed.
            var taken = (await connection.QueryAsync<string>(
                $"SELECT id FROM images WHERE id IN @ids AND {ReviewSql.Acceptable} ORDER BY id FOR UPDATE",
                new { ids = ids.Select(i => i.ToString()).ToArray() }, transaction)).AsList();
            if (taken.Count == 0) return taken;
            await connection.ExecuteAsync($"UPDATE images SET {ReviewSql.Accept}, search_annotation = NULL WHERE id IN @taken",
                new { taken, byId = by.Id, byName = by.Name, now }, transaction);
            if (audit is not null) await AuditInsert.RunAsync(connection, transaction, audit with { Detail = $"{taken.Count} image(s)" }, CancellationToken.None);
            await FeedVersions.AppendAsync(connection, transaction, taken, now);
            return taken;
        }, cancellationToken);
        return [.. accepted.Select(ImageRow.ParseId)];
    }

    public async Task<ImageRecord?> DeleteAsync(ImageId id, CancellationToken cancellationToken)
    {
        var row = await database.WriteAsync(async (connection, transaction) =>
        {
            var deleted = await connection.QuerySingleOrDefaultAsync<ImageRow>(
                $"SELECT {ImageRow.Columns} FROM images WHERE id = @id FOR UPDATE", new { id = id.ToString() }, transaction);
            if (deleted is null) return null;
            await connection.ExecuteAsync("DELETE FROM images WHERE id = @id", new { id = id.ToString() }, transaction);
            if (deleted.Phash is { } phash) await UnmarkLonelyNeighboursAsync(connection, transaction, phash);
            await FeedVersions.AppendAsync(connection, transaction, id.ToString(), Now(), deleted: true);
            return deleted;
        }, cancellationToken);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<(ImageId Id, ImageFormat Format)>> FindStalledAsync(DateTimeOffset unchangedSince, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, string Format)>(new CommandDefinition(
            StalledSql.Find, new { now = Now(), before = unchangedSince.ToUnixTimeMilliseconds(), limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => (ImageRow.ParseId(r.Id), Enum.Parse<ImageFormat>(r.Format)))];
    }

    public async Task<IReadOnlySet<ImageId>> FindMissingAsync(IReadOnlyCollection<ImageId> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return new HashSet<ImageId>();
        await using var connection = await database.OpenAsync(cancellationToken);
        var found = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM images WHERE id IN @ids", new { ids = ids.Select(i => i.ToString()).ToArray() }, cancellationToken: cancellationToken))).ToHashSet();
        return ids.Where(id => !found.Contains(id.ToString())).ToHashSet();
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM outbox LIMIT 1", cancellationToken: cancellationToken));
    }

    private static Task AppendOutboxAsync(MySqlConnection connection, MySqlTransaction transaction, string rawKey, long now) =>
        connection.ExecuteAsync("INSERT INTO outbox (object_key, created_at) VALUES (@rawKey, @now)", new { rawKey, now }, transaction);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
