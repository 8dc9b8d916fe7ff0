using Annotator.Access;

namespace Annotator.Sql;

/// <summary>One <c>api_tokens</c> row and its <see cref="ApiToken"/>; scopes are stored as their flags' integer.</summary>
internal sealed class TokenRow
{
    public const string Columns = "t.id, t.user_id, t.name, t.scopes, t.hash, t.created_at, t.expires_at, t.last_used_at";

    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";
    public long Scopes { get; set; }
    public string Hash { get; set; } = "";
    public long CreatedAt { get; set; }
    public long ExpiresAt { get; set; }
    public long? LastUsedAt { get; set; }

    public ApiToken ToToken() => new()
    {
        Id = Id,
        UserId = UserId,
        Name = Name,
        Scopes = (TokenScopes)Scopes,
        Hash = Hash,
        CreatedAt = UnixMs.To(CreatedAt),
        ExpiresAt = UnixMs.To(ExpiresAt),
        LastUsedAt = LastUsedAt is { } used ? UnixMs.To(used) : null,
    };
}
