using Annotator.Captioning;
using Annotator.Events;
using Annotator.Images;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Annotator.Catalog.Sqlite;

/// <summary>The embedded catalog: SQLite with FTS5 search. Each change publishes to <see cref="ImageChanges"/> after it commits.</summary>
public sealed class SqliteImageCatalog(SqliteDatabase database, ImageChanges changes, OutboxSignal outboxSignal, TimeProvider time) : IImageCatalog
{
    static SqliteImageCatalog() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>Work is tried at most this many times; more means it keeps killing the process (a poison image).</summary>
    public const int MaxAttempts = 3;

    public async Task AddAsync(ImageRecord image, string rawKey, CancellationToken cancellationToken)
    {
        var now = Now();
        await database.WriteAsync((connection, transaction) =>
        {
            connection.Execute("""
                INSERT INTO images (id, file_name, format, width, height, size_bytes, created_at, facts, thumb_state, caption_state)
                VALUES (@Id, @FileName, @Format, @Width, @Height, @SizeBytes, @CreatedAt, @Facts, 'pending', 'pending')
                """,
                new
                {
                    Id = image.Id.ToString(), image.FileName, Format = image.Format.ToString(), image.Width, image.Height,
                    image.SizeBytes, CreatedAt = image.CreatedAt.ToUnixTimeMilliseconds(), Facts = ImageRow.FactsJson(image.Facts),
                },
                transaction);
            AppendOutbox(connection, transaction, rawKey, now);
            return 0;
        }, cancellationToken);
        Announce(image.Id);
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
        var where = new List<string>();
        var parameters = new DynamicParameters();
        if (query.Before is { } before)
        {
            where.Add("id < @before");
            parameters.Add("before", before.ToString());
        }
        if (FullTextQuery.From(query.Search) is { } match)
        {
            where.Add("seq IN (SELECT rowid FROM images_fts WHERE images_fts MATCH @match)");
            parameters.Add("match", match);
        }
        if (query.State is { } state)
        {
            where.Add($"({CombinedState}) = @state");
            parameters.Add("state", state.Name());
        }
        parameters.Add("limit", query.Limit + 1);
        var sql = $"SELECT {ImageRow.Columns} FROM images {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY id DESC LIMIT @limit";

        using var connection = database.Open();
        var rows = (await connection.QueryAsync<ImageRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        var items = rows.Take(query.Limit).Select(r => r.ToRecord()).ToList();
        return new ImagePage(items, rows.Count > query.Limit ? items[^1].Id : null);
    }

    public async Task<ImageRecord?> StartAsync(ImageId id, Work work, CancellationToken cancellationToken)
    {
        var p = Prefix(work);
        var now = Now();
        var started = await database.WriteAsync((connection, transaction) =>
        {
            var attempts = connection.ExecuteScalar<long?>($"""
                UPDATE images SET {p}_state = 'processing', {p}_started_at = @now, {p}_finished_at = NULL,
                                  {p}_attempts = {p}_attempts + 1, {p}_error = NULL
                WHERE id = @id AND {p}_state IN ('pending', 'processing')
                RETURNING {p}_attempts
                """, new { id = id.ToString(), now }, transaction);
            if (attempts is null) return false;
            if (attempts <= MaxAttempts) return true;
            // Earlier attempts never finished: each one took the process down with it. Stop here.
            connection.Execute($"""
                UPDATE images SET {p}_state = 'failed', {p}_finished_at = @now,
                                  {p}_error = 'processing was interrupted {MaxAttempts} times (the process stopped while working on this image); retry to try again'
                WHERE id = @id
                """, new { id = id.ToString(), now }, transaction);
            return false;
        }, cancellationToken);
        Announce(id);
        return started ? await GetAsync(id, cancellationToken) : null;
    }

    public async Task AbandonAsync(ImageId id, Work work, CancellationToken cancellationToken)
    {
        var p = Prefix(work);
        await database.WriteAsync((connection, transaction) => connection.Execute($"""
            UPDATE images SET {p}_state = 'pending', {p}_started_at = NULL, {p}_attempts = max({p}_attempts - 1, 0)
            WHERE id = @id AND {p}_state = 'processing'
            """, new { id = id.ToString() }, transaction), cancellationToken);
        Announce(id);
    }

    public async Task<bool> CompleteThumbnailAsync(ImageId id, CancellationToken cancellationToken)
    {
        var found = await database.WriteAsync((connection, transaction) => connection.Execute("""
            UPDATE images SET thumb_state = 'done', thumb_finished_at = @now, thumb_error = NULL WHERE id = @id
            """, new { id = id.ToString(), now = Now() }, transaction), cancellationToken) > 0;
        Announce(id);
        return found;
    }

    public async Task<bool> CompleteCaptionAsync(ImageId id, Caption caption, CancellationToken cancellationToken)
    {
        var found = await database.WriteAsync((connection, transaction) => connection.Execute("""
            UPDATE images SET caption_state = 'done', caption_finished_at = @now, caption_error = NULL,
                caption_text = @Text, caption_tags = @tags, caption_provider = @Provider, caption_model = @Model,
                caption_latency_ms = @LatencyMs, caption_input_tokens = @InputTokens, caption_output_tokens = @OutputTokens,
                caption_model_attempts = @Attempts
            WHERE id = @id
            """,
            new
            {
                id = id.ToString(), now = Now(), caption.Text, tags = ImageRow.TagsJson(caption.Tags), caption.Provider, caption.Model,
                caption.LatencyMs, caption.InputTokens, caption.OutputTokens, caption.Attempts,
            }, transaction), cancellationToken) > 0;
        Announce(id);
        return found;
    }

    public async Task FailAsync(ImageId id, Work work, string reason, CancellationToken cancellationToken)
    {
        var p = Prefix(work);
        await database.WriteAsync((connection, transaction) => connection.Execute($"""
            UPDATE images SET {p}_state = 'failed', {p}_finished_at = @now, {p}_error = @reason WHERE id = @id
            """, new { id = id.ToString(), now = Now(), reason }, transaction), cancellationToken);
        Announce(id);
    }

    public async Task<bool> RetryAsync(ImageId id, string rawKey, CancellationToken cancellationToken)
    {
        var found = await database.WriteAsync((connection, transaction) =>
        {
            var updated = connection.Execute("""
                UPDATE images SET
                    thumb_state = CASE thumb_state WHEN 'failed' THEN 'pending' ELSE thumb_state END,
                    thumb_attempts = CASE thumb_state WHEN 'failed' THEN 0 ELSE thumb_attempts END,
                    caption_state = CASE caption_state WHEN 'failed' THEN 'pending' ELSE caption_state END,
                    caption_attempts = CASE caption_state WHEN 'failed' THEN 0 ELSE caption_attempts END
                WHERE id = @id
                """, new { id = id.ToString() }, transaction);
            if (updated > 0) AppendOutbox(connection, transaction, rawKey, Now());
            return updated > 0;
        }, cancellationToken);
        if (found) Announce(id);
        return found;
    }

    public async Task<bool> RecaptionAsync(ImageId id, string rawKey, CancellationToken cancellationToken)
    {
        var found = await database.WriteAsync((connection, transaction) =>
        {
            var updated = connection.Execute("""
                UPDATE images SET caption_state = 'pending', caption_attempts = 0, caption_error = NULL,
                                  caption_started_at = NULL, caption_finished_at = NULL
                WHERE id = @id
                """, new { id = id.ToString() }, transaction);
            if (updated > 0) AppendOutbox(connection, transaction, rawKey, Now());
            return updated > 0;
        }, cancellationToken);
        if (found) Announce(id);
        return found;
    }

    public async Task<ImageRecord?> DeleteAsync(ImageId id, CancellationToken cancellationToken)
    {
        var row = await database.WriteAsync((connection, transaction) => connection.QuerySingleOrDefault<ImageRow>(
            $"DELETE FROM images WHERE id = @id RETURNING {ImageRow.Columns}", new { id = id.ToString() }, transaction), cancellationToken);
        if (row is null) return null;
        changes.Publish(new ImageChange(id, Deleted: true));
        return row.ToRecord();
    }

    public async Task<IReadOnlySet<ImageId>> FindMissingAsync(IReadOnlyCollection<ImageId> ids, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var found = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM images WHERE id IN @ids", new { ids = ids.Select(i => i.ToString()).ToArray() }, cancellationToken: cancellationToken))).ToHashSet();
        return ids.Where(id => !found.Contains(id.ToString())).ToHashSet();
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM outbox", cancellationToken: cancellationToken));
    }

    /// <summary>The combined image state in SQL, matching <see cref="WorkStates.Combine"/>.</summary>
    private const string CombinedState = """
        CASE WHEN thumb_state = 'failed' OR caption_state = 'failed' THEN 'failed'
             WHEN thumb_state = 'done' AND caption_state = 'done' THEN 'done'
             WHEN thumb_state = 'pending' AND caption_state = 'pending' THEN 'pending'
             ELSE 'processing' END
        """;

    private static string Prefix(Work work) => work == Work.Thumbnail ? "thumb" : "caption";

    private static void AppendOutbox(SqliteConnection connection, SqliteTransaction transaction, string rawKey, long now) =>
        connection.Execute("INSERT INTO outbox (object_key, created_at) VALUES (@rawKey, @now)", new { rawKey, now }, transaction);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Announce(ImageId id)
    {
        changes.Publish(new ImageChange(id, Deleted: false));
        outboxSignal.Pulse();
    }
}
