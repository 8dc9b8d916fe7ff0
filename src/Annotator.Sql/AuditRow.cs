using Annotator.Access;

namespace Annotator.Sql;

/// <summary>One <c>audit_log</c> row and its <see cref="AuditEntry"/>.</summary>
internal sealed class AuditRow
{
    public const string Columns = "id, at, actor_id, actor_name, action, target, detail, address";

    public long Id { get; set; }
    public long At { get; set; }
    public string? ActorId { get; set; }
    public string? ActorName { get; set; }
    public string Action { get; set; } = "";
    public string? Target { get; set; }
    public string? Detail { get; set; }
    public string? Address { get; set; }

    public AuditEntry ToEntry() => new(Id, UnixMs.To(At), ActorId, ActorName, Action, Target, Detail, Address);
}
