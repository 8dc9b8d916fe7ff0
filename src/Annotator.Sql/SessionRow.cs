using Annotator.Access;

namespace Annotator.Sql;

/// <summary>One <c>sessions</c> row and its <see cref="Session"/>.</summary>
internal sealed class SessionRow
{
    public const string Columns = "s.id_hash, s.user_id, s.created_at, s.expires_at, s.address";

    public string IdHash { get; set; } = "";
    public string UserId { get; set; } = "";
    public long CreatedAt { get; set; }
    public long ExpiresAt { get; set; }
    public string? Address { get; set; }

    public Session ToSession() => new(IdHash, UserId, UnixMs.To(CreatedAt), UnixMs.To(ExpiresAt), Address);
}
