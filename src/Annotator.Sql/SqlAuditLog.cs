using Annotator.Access;
using Annotator.Catalog.Sql;
using Dapper;

namespace Annotator.Sql;

/// <summary>
/// The <c>audit_log</c> table, paged newest first by its growing id. Filters are added only when asked for, rather
/// than as <c>@x IS NULL OR …</c>: PostgreSQL cannot type a parameter that is only ever compared with NULL.
/// </summary>
public sealed class SqlAuditLog(IAccessDatabase database) : IAuditLog
{
    static SqlAuditLog() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await AuditInsert.RunAsync(connection, transaction, entry, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ListAsync(long? before, int limit, string? actorId, string? target, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<AuditEntry>>(async connection =>
        {
            var where = new List<string>();
            if (before is not null) where.Add("id < @before");
            if (actorId is not null) where.Add("actor_id = @actorId");
            if (target is not null) where.Add("target = @target");
            var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
                $"SELECT {AuditRow.Columns} FROM audit_log {ImageFilter.Where(where)} ORDER BY id DESC LIMIT @limit",
                new { before, limit, actorId, target }, cancellationToken: cancellationToken));
            return [.. rows.Select(r => r.ToEntry())];
        }, cancellationToken);
}
