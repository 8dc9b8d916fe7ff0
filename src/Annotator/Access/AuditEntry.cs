namespace Annotator.Access;

/// <summary>
/// One recorded action: who (the user's id and name as it was, or null for the system), what (<see cref="Action"/>,
/// e.g. <c>image.delete</c>), on what (<see cref="Target"/>, e.g. an image or user id), and a short detail. Never a secret.
/// </summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string? ActorId, string? ActorName, string Action, string? Target, string? Detail, string? Address);
