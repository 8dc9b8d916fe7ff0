using Annotator.Access;
using Dapper;

namespace Annotator.Sql;

/// <summary>
/// Personal API tokens in the <c>api_tokens</c> table, found by the SHA-256 of their secret. Making and revoking one
/// is a transaction with its audit entry; a token is found only with its account, while both are live.
/// </summary>
public sealed class SqlTokenStore(IAccessDatabase database) : ITokenStore
{
    static SqlTokenStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public Task AddAsync(ApiToken token, AuditEntry audit, CancellationToken cancellationToken) => database.WriteAsync(async (connection, transaction) =>
    {
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO api_tokens (id, user_id, name, scopes, hash, created_at, expires_at, last_used_at)
            VALUES (@id, @userId, @name, @scopes, @hash, @createdAt, @expiresAt, @lastUsedAt)
            """,
            new
            {
                id = token.Id, userId = token.UserId, name = token.Name, scopes = (int)token.Scopes, hash = token.Hash,
                createdAt = UnixMs.From(token.CreatedAt), expiresAt = UnixMs.From(token.ExpiresAt),
                lastUsedAt = token.LastUsedAt is { } used ? UnixMs.From(used) : (long?)null,
            },
            transaction, cancellationToken: cancellationToken));
        await AuditInsert.RunAsync(connection, transaction, audit, cancellationToken);
        return true;
    }, cancellationToken);

    public Task<(ApiToken Token, User User)?> FindAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            // Dapper splits the row at the last "id": the user's, which ColumnsOf puts first on its side.
            var found = await connection.QueryAsync<TokenRow, UserRow, (ApiToken Token, User User)>(new CommandDefinition($"""
                SELECT {TokenRow.Columns}, {UserRow.ColumnsOf("u")}
                FROM api_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.hash = @hash AND t.expires_at > @now AND u.disabled = 0
                """, new { hash, now = UnixMs.From(now) }, cancellationToken: cancellationToken),
                (token, user) => (token.ToToken(), user.ToUser()), splitOn: "id");
            return found.Select(f => ((ApiToken, User)?)f).SingleOrDefault();
        }, cancellationToken);

    public Task<IReadOnlyList<ApiToken>> ListAsync(string? userId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ApiToken>>(async connection =>
        {
            var where = userId is null ? "" : "WHERE t.user_id = @userId";
            var rows = await connection.QueryAsync<TokenRow>(new CommandDefinition(
                $"SELECT {TokenRow.Columns} FROM api_tokens t {where} ORDER BY t.created_at DESC, t.id DESC",
                new { userId }, cancellationToken: cancellationToken));
            return [.. rows.Select(r => r.ToToken())];
        }, cancellationToken);

    public Task<ApiToken?> GetAsync(string id, CancellationToken cancellationToken) => database.ReadAsync(async connection =>
        (await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            $"SELECT {TokenRow.Columns} FROM api_tokens t WHERE t.id = @id", new { id }, cancellationToken: cancellationToken)))?.ToToken(),
        cancellationToken);

    public Task<bool> RevokeAsync(string id, AuditEntry audit, CancellationToken cancellationToken) => database.WriteAsync(async (connection, transaction) =>
    {
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM api_tokens WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        if (deleted == 0) return false;
        await AuditInsert.RunAsync(connection, transaction, audit, cancellationToken);
        return true;
    }, cancellationToken);

    public Task MarkUsedAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET last_used_at = @at WHERE id = @id",
            new { id, at = UnixMs.From(at) }, transaction, cancellationToken: cancellationToken)), cancellationToken);
}
