namespace Annotator.Access;

/// <summary>
/// One account. A local account has a password hash; a single-sign-on account has the issuer and subject of its
/// OpenID Connect provider instead (and may have both, when an admin made it first and its owner then signed in).
/// </summary>
public sealed record User
{
    /// <summary>Opaque and stable (a GUID's 32 hex digits): what images, tokens and the audit log record.</summary>
    public required string Id { get; init; }
    public required string UserName { get; init; }
    public required Role Role { get; init; }
    public string? PasswordHash { get; init; }
    public string? Issuer { get; init; }
    public string? Subject { get; init; }
    /// <summary>A disabled account cannot sign in, and its sessions and tokens stop working.</summary>
    public bool Disabled { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>User names compare without case: "Ada" and "ada" are one account.</summary>
    public static string Key(string userName) => userName.Trim().ToLowerInvariant();
}
