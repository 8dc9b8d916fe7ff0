using Annotator.Events;
using Dapper;

namespace Annotator.Catalog.MySql;

/// <summary>
/// The in-process event bus's durable queue, in the <c>deliveries</c> table, shared by every node. A taker locks the
/// due rows it takes with <c>FOR UPDATE SKIP LOCKED</c> and hides them before it commits: concurrent takers pass
/// over each other's rows instead of waiting for them, and never take the same delivery.
/// </summary>
public sealed class MySqlDeliveryQueue(MySqlDatabase database, TimeProvider time) : IDeliveryQueue
{
    public async Task EnqueueAsync(IReadOnlyList<string> subscribers, IReadOnlyList<ObjectCreated> events, CancellationToken cancellationToken)
    {
        var now = Now();
        var rows = (from e in events from subscriber in subscribers select new object?[] { subscriber, e.Key, now }).ToList();
        if (rows.Count == 0) return;
        await database.WriteAsync(async (connection, transaction) =>
        {
            await BulkInsert.RunAsync(connection, transaction, "deliveries (subscriber, object_key, due_at)", rows);
            return rows.Count;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<QueuedDelivery>> TakeAsync(string subscriber, int limit, TimeSpan hideFor, CancellationToken cancellationToken)
    {
        var now = Now();
        var rows = await database.WriteAsync(async (connection, transaction) =>
        {
            var due = (await connection.QueryAsync<(long Id, string ObjectKey, int Attempts)>("""
                SELECT id, object_key, attempts FROM deliveries
                WHERE subscriber = @subscriber AND due_at <= @now
                ORDER BY id LIMIT @limit
                FOR UPDATE SKIP LOCKED
                """, new { subscriber, now, limit }, transaction)).AsList();
            if (due.Count > 0)
                await connection.ExecuteAsync("UPDATE deliveries SET due_at = @hidden WHERE id IN @ids",
                    new { ids = due.Select(d => d.Id), hidden = now + (long)hideFor.TotalMilliseconds }, transaction);
            return due;
        }, cancellationToken);
        return [.. rows.Select(r => new QueuedDelivery(r.Id, new ObjectCreated(r.ObjectKey), r.Attempts))];
    }

    public async Task AcknowledgeAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM deliveries WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task DeferAsync(long id, TimeSpan delay, int attempts, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE deliveries SET due_at = @due, attempts = @attempts WHERE id = @id",
            new { id, attempts, due = Now() + (long)delay.TotalMilliseconds }, cancellationToken: cancellationToken));
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
