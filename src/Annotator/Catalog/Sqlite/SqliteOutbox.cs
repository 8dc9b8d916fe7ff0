using Annotator.Events;
using Dapper;

namespace Annotator.Catalog.Sqlite;

/// <summary>The outbox table, drained by the in-process event bus.</summary>
public sealed class SqliteOutbox(SqliteDatabase database) : IOutbox
{
    public async Task<IReadOnlyList<OutboxEntry>> ReadAsync(long afterId, int bit, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        var rows = await connection.QueryAsync<(long Id, string ObjectKey, long Delivered)>(new CommandDefinition(
            "SELECT id, object_key, delivered FROM outbox WHERE id > @afterId AND (delivered & @bit) = 0 ORDER BY id LIMIT @limit",
            new { afterId, bit, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new OutboxEntry(r.Id, new ObjectCreated(r.ObjectKey), (int)r.Delivered)).ToList();
    }

    public Task AcknowledgeAsync(long id, int bit, int allBits, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) =>
        {
            connection.Execute("UPDATE outbox SET delivered = delivered | @bit WHERE id = @id", new { id, bit }, transaction);
            return connection.Execute("DELETE FROM outbox WHERE id = @id AND delivered = @allBits", new { id, allBits }, transaction);
        }, cancellationToken);
}
