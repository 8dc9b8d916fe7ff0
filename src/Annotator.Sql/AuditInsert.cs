using System.Data.Common;
using Annotator.Access;
using Dapper;

namespace Annotator.Sql;

/// <summary>
/// Appends an audit entry inside the caller's transaction: an account or token change and the entry that records it
/// commit together, so the log never shows a change that did not happen nor misses one that did.
/// </summary>
internal static class AuditInsert
{
    public static Task RunAsync(DbConnection connection, DbTransaction? transaction, AuditEntry entry, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, address)
            VALUES (@at, @actorId, @actorName, @action, @target, @detail, @address)
            """,
            new
            {
                at = UnixMs.From(entry.At), actorId = entry.ActorId, actorName = entry.ActorName, action = entry.Action,
                target = entry.Target, detail = entry.Detail, address = entry.Address,
            },
            transaction, cancellationToken: cancellationToken));
}
