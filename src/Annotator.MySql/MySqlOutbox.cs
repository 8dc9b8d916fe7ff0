using Annotator.Events;
using Dapper;

namespace Annotator.Catalog.MySql;

/// <summary>The outbox table, drained by the <see cref="OutboxRelay"/>.</summary>
public sealed class MySqlOutbox(MySqlDatabase database) : IOutbox
{
    public async Task<IReadOnlyList<OutboxEntry>> ReadAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, string ObjectKey)>(new CommandDefinition(
            "SELECT id, object_key FROM outbox ORDER BY id LIMIT @limit", new { limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new OutboxEntry(r.Id, new ObjectCreated(r.ObjectKey)))];
    }

    public async Task RemoveAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM outbox WHERE id IN @ids", new { ids }, cancellationToken: cancellationToken));
    }
}
