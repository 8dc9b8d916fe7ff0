using Annotator.Catalog.Sql;
using Dapper;

namespace Annotator.Catalog.MySql;

/// <summary>
/// Reading the change feed. Each read is one autocommit statement, so under any isolation level it sees exactly
/// what had committed when it ran, and since versions commit in order (<see cref="FeedVersions"/>) that is always
/// every version up to some point: a tailer reading after its cursor skips nothing.
/// </summary>
public sealed partial class MySqlImageCatalog
{
    public async Task<IReadOnlyList<ImageChange>> ReadChangesAsync(long afterVersion, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Version, string ImageId, long Deleted, long ChangedAt)>(new CommandDefinition(
            "SELECT version, image_id, deleted + 0, changed_at FROM image_changes WHERE version > @afterVersion ORDER BY version LIMIT @limit",
            new { afterVersion, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => ChangeRow.ToChange(r.Version, r.ImageId, r.Deleted != 0, r.ChangedAt))];
    }

    public async Task<long> LatestVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The counter, not max(version): pruning may have emptied the table, and versions must never go back.
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT version FROM feed_counter WHERE id = 1", cancellationToken: cancellationToken));
    }

    public async Task PruneChangesAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        // The newest is read first: MySQL cannot delete from a table that a subquery of the same DELETE reads.
        var latest = await LatestVersionAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM image_changes WHERE changed_at < @before AND version < @latest",
            new { before = before.ToUnixTimeMilliseconds(), latest }, cancellationToken: cancellationToken));
    }
}
