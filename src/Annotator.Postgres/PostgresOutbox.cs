using Annotator.Events;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Annotator.Catalog.Postgres;

/// <summary>The outbox table, drained by the <see cref="OutboxRelay"/>.</summary>
public sealed class PostgresOutbox([FromKeyedServices(PostgresRegistration.DataSourceKey)] NpgsqlDataSource dataSource) : IOutbox
{
    public async Task<IReadOnlyList<OutboxEntry>> ReadAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, string ObjectKey)>(new CommandDefinition(
            "SELECT id, object_key FROM outbox ORDER BY id LIMIT @limit", new { limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new OutboxEntry(r.Id, new ObjectCreated(r.ObjectKey)))];
    }

    public async Task RemoveAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM outbox WHERE id = ANY(@ids)", new { ids = ids.ToArray() }, cancellationToken: cancellationToken));
    }
}
