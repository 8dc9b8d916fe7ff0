using Annotator.Catalog.Sql;
using Annotator.Events;
using Dapper;

namespace Annotator.Catalog.Sqlite;

/// <summary>Dead letters in the <c>dead_letters</c> table.</summary>
public sealed class SqliteDeadLetters(SqliteDatabase database, TimeProvider time) : IDeadLetters
{
    public Task AddAsync(string subscriber, ObjectCreated @event, int attempts, string reason, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.Execute("""
            INSERT INTO dead_letters (subscriber, object_key, attempts, reason, created_at) VALUES (@subscriber, @Key, @attempts, @reason, @now)
            """, new { subscriber, @event.Key, attempts, reason, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction), cancellationToken);

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(string? key, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var rows = await connection.QueryAsync<DeadLetterRow>(new CommandDefinition(
            $"SELECT {DeadLetterRow.Columns} FROM dead_letters WHERE @key IS NULL OR object_key = @key ORDER BY id DESC LIMIT @limit",
            new { key, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToDeadLetter())];
    }

    public Task<DeadLetter?> TakeAsync(long id, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.QuerySingleOrDefault<DeadLetterRow>(
            $"DELETE FROM dead_letters WHERE id = @id RETURNING {DeadLetterRow.Columns}", new { id }, transaction)?.ToDeadLetter(), cancellationToken);
}
