namespace Annotator.Access;

/// <summary>What was done by whom (see <see cref="AuditEntry"/>).</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);
    /// <summary>Newest first, before entry <paramref name="before"/> (a cursor), optionally of one actor or one target.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(long? before, int limit, string? actorId, string? target, CancellationToken cancellationToken);
}
