using Annotator.Events;
using Dapper;

namespace Annotator.Catalog.Sqlite;

/// <summary>Dead letters in the <c>dead_letters</c> table.</summary>
public sealed class SqliteDeadLetters(SqliteDatabase database, TimeProvider time) : IDeadLetters
{
    private const string Columns = "id, subscriber, object_key, attempts, reason, created_at";

    public Task AddAsync(string subscriber, ObjectCreated @event, int attempts, string reason, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.Execute("""
            INSERT INTO dead_letters (subscriber, object_key, attempts, reason, created_at) VALUES (@subscriber, @Key, @attempts, @reason, @now)
            """, new { subscriber, @event.Key, attempts, reason, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction), cancellationToken);

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(string? key, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM dead_letters WHERE @key IS NULL OR object_key = @key ORDER BY id DESC LIMIT @limit",
            new { key, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToDeadLetter())];
    }

    public Task<DeadLetter?> TakeAsync(long id, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.QuerySingleOrDefault<Row>(
            $"DELETE FROM dead_letters WHERE id = @id RETURNING {Columns}", new { id }, transaction)?.ToDeadLetter(), cancellationToken);

    private sealed class Row
    {
        public long Id { get; set; }
        public string Subscriber { get; set; } = "";
        public string ObjectKey { get; set; } = "";
        public long Attempts { get; set; }
        public string Reason { get; set; } = "";
        public long CreatedAt { get; set; }

        public DeadLetter ToDeadLetter() =>
            new(Id, Subscriber, new ObjectCreated(ObjectKey), (int)Attempts, Reason, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt));
    }
}
