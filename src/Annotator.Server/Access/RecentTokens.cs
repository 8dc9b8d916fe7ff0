using Annotator.Access;

namespace Annotator.Server.Access;

/// <summary>Tokens found through <see cref="RecentLookups"/>; revoking any forgets every lookup.</summary>
public sealed class RecentTokens(ITokenStore inner, RecentLookups recent) : ITokenStore
{
    public Task AddAsync(ApiToken token, AuditEntry audit, CancellationToken cancellationToken) => inner.AddAsync(token, audit, cancellationToken);

    public Task<(ApiToken Token, User User)?> FindAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken) =>
        recent.FindAsync("token:" + hash, () => inner.FindAsync(hash, now, cancellationToken));

    public Task<IReadOnlyList<ApiToken>> ListAsync(string? userId, CancellationToken cancellationToken) => inner.ListAsync(userId, cancellationToken);

    public Task<ApiToken?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public async Task<bool> RevokeAsync(string id, AuditEntry audit, CancellationToken cancellationToken)
    {
        var revoked = await inner.RevokeAsync(id, audit, cancellationToken);
        recent.ForgetAll();
        return revoked;
    }

    public Task MarkUsedAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) => inner.MarkUsedAsync(id, at, cancellationToken);
}
