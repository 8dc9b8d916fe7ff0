namespace Annotator.Access;

/// <summary>Signed-in browsers (see <see cref="Session"/>).</summary>
public interface ISessionStore
{
    /// <summary>Adds the session; expired sessions are removed on the way.</summary>
    Task AddAsync(Session session, CancellationToken cancellationToken);
    /// <summary>The session and its account while it has not expired and the account is enabled.</summary>
    Task<(Session Session, User User)?> FindAsync(string idHash, DateTimeOffset now, CancellationToken cancellationToken);
    Task RenewAsync(string idHash, DateTimeOffset expiresAt, CancellationToken cancellationToken);
    Task RemoveAsync(string idHash, CancellationToken cancellationToken);
    /// <summary>Ends every session of the account but <paramref name="exceptIdHash"/>'s (the caller's own, when it keeps it); returns how many ended.</summary>
    Task<int> RemoveAllAsync(string userId, CancellationToken cancellationToken, string? exceptIdHash = null);
}
