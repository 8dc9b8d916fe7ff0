using Annotator.Events;
using Dapper;

namespace Annotator.Catalog.Sqlite;

/// <summary>The outbox table, drained by the <see cref="OutboxRelay"/>.</summary>
public sealed class SqliteOutbox(SqliteDatabase database) : IOutbox
{
    public async Task<IReadOnlyList<OutboxEntry>> ReadAsync(int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var rows = await connection.QueryAsync<(long Id, string ObjectKey)>(new CommandDefinition(
            "SELECT id, object_key FROM outbox ORDER BY id LIMIT @limit", new { limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new OutboxEntry(r.Id, new ObjectCreated(r.ObjectKey)))];
    }

    public Task RemoveAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.Execute("DELETE FROM outbox WHERE id IN @ids", new { ids }, transaction), cancellationToken);
}
