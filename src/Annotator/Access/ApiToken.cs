namespace Annotator.Access;

/// <summary>
/// A personal API token. The secret is shown once when made and stored only as its SHA-256 (<see cref="Hash"/>):
/// tokens are 256 random bits, so a fast hash is as safe as a slow one and costs nothing per request.
/// </summary>
public sealed record ApiToken
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string Name { get; init; }
    public required TokenScopes Scopes { get; init; }
    public required string Hash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
}
