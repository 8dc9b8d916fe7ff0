using Annotator.Access;

namespace Annotator.Server.Access;

/// <summary>Accounts, passed through; changing or deleting one forgets every session and token lookup (they carry the account).</summary>
public sealed class RecentUsers(IUserStore inner, RecentLookups recent) : IUserStore
{
    public Task<bool> AnyAsync(CancellationToken cancellationToken) => inner.AnyAsync(cancellationToken);

    public Task<User?> FindAsync(string id, CancellationToken cancellationToken) => inner.FindAsync(id, cancellationToken);

    public Task<User?> FindByNameAsync(string userName, CancellationToken cancellationToken) => inner.FindByNameAsync(userName, cancellationToken);

    public Task<User?> FindByLoginAsync(string issuer, string subject, CancellationToken cancellationToken) =>
        inner.FindByLoginAsync(issuer, subject, cancellationToken);

    public Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public Task<bool> AddAsync(User user, AuditEntry audit, CancellationToken cancellationToken) => inner.AddAsync(user, audit, cancellationToken);

    public Task<bool> AddFirstAsync(User user, string? codeHash, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken) =>
        inner.AddFirstAsync(user, codeHash, now, audit, cancellationToken);

    public async Task<bool> UpdateAsync(User user, AuditEntry audit, CancellationToken cancellationToken)
    {
        var updated = await inner.UpdateAsync(user, audit, cancellationToken);
        recent.ForgetAll();
        return updated;
    }

    public async Task<bool> DeleteAsync(string id, AuditEntry audit, CancellationToken cancellationToken)
    {
        var deleted = await inner.DeleteAsync(id, audit, cancellationToken);
        recent.ForgetAll();
        return deleted;
    }

    public Task AddSetupCodeAsync(string codeHash, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        inner.AddSetupCodeAsync(codeHash, expiresAt, cancellationToken);
}
