namespace Annotator.Access;

/// <summary>Personal API tokens (see <see cref="ApiToken"/>).</summary>
public interface ITokenStore
{
    Task AddAsync(ApiToken token, AuditEntry audit, CancellationToken cancellationToken);
    /// <summary>The token with this hash and its account, while it has not expired and the account is enabled.</summary>
    Task<(ApiToken Token, User User)?> FindAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken);
    /// <summary>One account's tokens, or everyone's for null; newest first.</summary>
    Task<IReadOnlyList<ApiToken>> ListAsync(string? userId, CancellationToken cancellationToken);
    Task<ApiToken?> GetAsync(string id, CancellationToken cancellationToken);
    /// <summary>Revokes (deletes) the token, with its audit entry; false when it is gone.</summary>
    Task<bool> RevokeAsync(string id, AuditEntry audit, CancellationToken cancellationToken);
    Task MarkUsedAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);
}
