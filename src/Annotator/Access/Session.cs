namespace Annotator.Access;

/// <summary>
/// A signed-in browser, kept server-side so that signing out, an admin ending it, or a disabled account stops it on
/// every node at once. The cookie carries only <see cref="Id"/> (protected by the shared Data Protection key ring);
/// the store holds its SHA-256, so a leaked table cannot be replayed as cookies.
/// </summary>
public sealed record Session(string IdHash, string UserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? Address);
