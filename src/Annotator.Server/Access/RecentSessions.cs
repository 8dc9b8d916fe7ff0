using Annotator.Access;

namespace Annotator.Server.Access;

/// <summary>Sessions found through <see cref="RecentLookups"/>; ending any session forgets every lookup.</summary>
public sealed class RecentSessions(ISessionStore inner, RecentLookups recent) : ISessionStore
{
    public Task AddAsync(Session session, CancellationToken cancellationToken) => inner.AddAsync(session, cancellationToken);

    public Task<(Session Session, User User)?> FindAsync(string idHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        recent.FindAsync("session:" + idHash, () => inner.FindAsync(idHash, now, cancellationToken));

    public async Task RenewAsync(string idHash, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await inner.RenewAsync(idHash, expiresAt, cancellationToken);
        recent.Forget("session:" + idHash);
    }

    public async Task RemoveAsync(string idHash, CancellationToken cancellationToken)
    {
        await inner.RemoveAsync(idHash, cancellationToken);
        recent.ForgetAll();
    }

    public async Task<int> RemoveAllAsync(string userId, CancellationToken cancellationToken, string? exceptIdHash = null)
    {
        var ended = await inner.RemoveAllAsync(userId, cancellationToken, exceptIdHash);
        recent.ForgetAll();
        return ended;
    }
}
