using System.Data.Common;
using Annotator.Access;
using Dapper;

namespace Annotator.Sql;

/// <summary>
/// Appends an audit entry inside the caller's transaction: an account or token change and the entry that records it
/// commit together, so the log never shows a change that did not happen nor misses one that did.
/// </summary>
public static class AuditInsert
{
    private const string Sql = """
        INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, address)
        VALUES (@at, @actorId, @actorName, @action, @target, @detail, @address)
        """;

    public static Task RunAsync(DbConnection connection, DbTransaction? transaction, AuditEntry entry, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Sql, Parameters(entry), transaction, cancellationToken: cancellationToken));

    /// <summary>The same, synchronously, for a catalog whose write transactions are (SQLite's, under its one write gate).</summary>
    public static void Run(DbConnection connection, DbTransaction transaction, AuditEntry entry) =>
        connection.Execute(Sql, Parameters(entry), transaction);

    private static object Parameters(AuditEntry entry) => new
    {
        at = UnixMs.From(entry.At), actorId = entry.ActorId, actorName = entry.ActorName, action = entry.Action,
        target = entry.Target, detail = entry.Detail, address = entry.Address,
    };
}
