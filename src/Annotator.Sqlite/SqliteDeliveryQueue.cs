using Annotator.Events;
using Dapper;

namespace Annotator.Catalog.Sqlite;

/// <summary>The in-process event bus's durable queue, in the <c>deliveries</c> table.</summary>
public sealed class SqliteDeliveryQueue(SqliteDatabase database, TimeProvider time) : IDeliveryQueue
{
    public Task EnqueueAsync(IReadOnlyList<string> subscribers, IReadOnlyList<ObjectCreated> events, CancellationToken cancellationToken)
    {
        var now = Now();
        return database.WriteAsync((connection, transaction) => connection.Execute(
            "INSERT INTO deliveries (subscriber, object_key, due_at) VALUES (@subscriber, @Key, @now)",
            from e in events from subscriber in subscribers select new { subscriber, e.Key, now }, transaction), cancellationToken);
    }

    public async Task<IReadOnlyList<QueuedDelivery>> TakeAsync(string subscriber, int limit, TimeSpan hideFor, CancellationToken cancellationToken)
    {
        var now = Now();
        var rows = await database.WriteAsync((connection, transaction) => connection.Query<(long Id, string ObjectKey, long Attempts)>("""
            UPDATE deliveries SET due_at = @hidden
            WHERE id IN (SELECT id FROM deliveries WHERE subscriber = @subscriber AND due_at <= @now ORDER BY id LIMIT @limit)
            RETURNING id, object_key, attempts
            """, new { subscriber, now, limit, hidden = now + (long)hideFor.TotalMilliseconds }, transaction).AsList(), cancellationToken);
        return [.. rows.OrderBy(r => r.Id).Select(r => new QueuedDelivery(r.Id, new ObjectCreated(r.ObjectKey), (int)r.Attempts))];
    }

    public Task AcknowledgeAsync(long id, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.Execute("DELETE FROM deliveries WHERE id = @id", new { id }, transaction), cancellationToken);

    public Task DeferAsync(long id, TimeSpan delay, int attempts, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.Execute(
            "UPDATE deliveries SET due_at = @due, attempts = @attempts WHERE id = @id",
            new { id, attempts, due = Now() + (long)delay.TotalMilliseconds }, transaction), cancellationToken);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
