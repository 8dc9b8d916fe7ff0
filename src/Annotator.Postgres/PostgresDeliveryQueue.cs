using Annotator.Events;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Annotator.Catalog.Postgres;

/// <summary>
/// The in-process event bus's durable queue, in the <c>deliveries</c> table. Takers on many nodes skip the rows
/// another taker has locked, so they never take the same delivery and never wait for each other.
/// </summary>
public sealed class PostgresDeliveryQueue(
    [FromKeyedServices(PostgresRegistration.DataSourceKey)] NpgsqlDataSource dataSource, TimeProvider time) : IDeliveryQueue
{
    public async Task EnqueueAsync(IReadOnlyList<string> subscribers, IReadOnlyList<ObjectCreated> events, CancellationToken cancellationToken)
    {
        var rows = (from e in events from subscriber in subscribers select (subscriber, e.Key)).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One statement for all: unnest keeps the arrays' order, so ids follow the events' order.
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO deliveries (subscriber, object_key, due_at) SELECT subscriber, object_key, @now FROM unnest(@subscribers, @keys) AS d(subscriber, object_key)
            """, new { subscribers = rows.Select(r => r.subscriber).ToArray(), keys = rows.Select(r => r.Key).ToArray(), now = Now() },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<QueuedDelivery>> TakeAsync(string subscriber, int limit, TimeSpan hideFor, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, string ObjectKey, long Attempts)>(new CommandDefinition("""
            UPDATE deliveries SET due_at = @hidden
            WHERE id IN (SELECT id FROM deliveries WHERE subscriber = @subscriber AND due_at <= @now ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING id, object_key, attempts
            """, new { subscriber, now, limit, hidden = now + (long)hideFor.TotalMilliseconds }, cancellationToken: cancellationToken));
        return [.. rows.OrderBy(r => r.Id).Select(r => new QueuedDelivery(r.Id, new ObjectCreated(r.ObjectKey), (int)r.Attempts))];
    }

    public async Task AcknowledgeAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM deliveries WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task DeferAsync(long id, TimeSpan delay, int attempts, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE deliveries SET due_at = @due, attempts = @attempts WHERE id = @id",
            new { id, attempts, due = Now() + (long)delay.TotalMilliseconds }, cancellationToken: cancellationToken));
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
