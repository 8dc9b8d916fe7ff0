namespace Annotator.Access;

/// <summary>Accounts, in the catalog's database so every node sees the same ones.</summary>
public interface IUserStore
{
    Task<bool> AnyAsync(CancellationToken cancellationToken);
    Task<User?> FindAsync(string id, CancellationToken cancellationToken);
    Task<User?> FindByNameAsync(string userName, CancellationToken cancellationToken);
    Task<User?> FindByLoginAsync(string issuer, string subject, CancellationToken cancellationToken);
    /// <summary>Every account, by user name.</summary>
    Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds the account and its audit entry in one transaction; false when the user name is taken.</summary>
    Task<bool> AddAsync(User user, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>
    /// The first admin: added only while there is no account at all, and only with a setup code still valid (its
    /// SHA-256), which is then used up with every other; null <paramref name="codeHash"/> for the unattended first
    /// admin of the settings. False when an account exists or the code is unknown or expired.
    /// </summary>
    Task<bool> AddFirstAsync(User user, string? codeHash, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Replaces role, password hash, login, disabled; with the audit entry in one transaction. False when it is gone.</summary>
    Task<bool> UpdateAsync(User user, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Removes the account with its sessions and tokens (its images stay, still naming who uploaded them).</summary>
    Task<bool> DeleteAsync(string id, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Records a one-time setup code (its SHA-256) valid until <paramref name="expiresAt"/>.</summary>
    Task AddSetupCodeAsync(string codeHash, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}
