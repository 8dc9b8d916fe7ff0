using Annotator.Access;
using Dapper;

namespace Annotator.Sql;

/// <summary>
/// Signed-in browsers in the <c>sessions</c> table, by the SHA-256 of their id. A session is found only with its
/// account, and only while both are live, so a disabled account or an expired session stops at the next request.
/// </summary>
public sealed class SqlSessionStore(IAccessDatabase database) : ISessionStore
{
    static SqlSessionStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>Expired sessions go as a new one comes: the table holds live ones and those not yet swept.</summary>
    public Task AddAsync(Session session, CancellationToken cancellationToken) => database.WriteAsync(async (connection, transaction) =>
    {
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM sessions WHERE expires_at <= @now",
            new { now = UnixMs.From(session.CreatedAt) }, transaction, cancellationToken: cancellationToken));
        return await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sessions (id_hash, user_id, created_at, expires_at, address) VALUES (@idHash, @userId, @createdAt, @expiresAt, @address)
            """,
            new
            {
                idHash = session.IdHash, userId = session.UserId, createdAt = UnixMs.From(session.CreatedAt),
                expiresAt = UnixMs.From(session.ExpiresAt), address = session.Address,
            },
            transaction, cancellationToken: cancellationToken));
    }, cancellationToken);

    public Task<(Session Session, User User)?> FindAsync(string idHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var found = await connection.QueryAsync<SessionRow, UserRow, (Session Session, User User)>(new CommandDefinition($"""
                SELECT {SessionRow.Columns}, {UserRow.ColumnsOf("u")}
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.id_hash = @idHash AND s.expires_at > @now AND u.disabled = 0
                """, new { idHash, now = UnixMs.From(now) }, cancellationToken: cancellationToken),
                (session, user) => (session.ToSession(), user.ToUser()), splitOn: "id");
            return found.Select(f => ((Session, User)?)f).SingleOrDefault();
        }, cancellationToken);

    public Task RenewAsync(string idHash, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sessions SET expires_at = @expiresAt WHERE id_hash = @idHash",
            new { idHash, expiresAt = UnixMs.From(expiresAt) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task RemoveAsync(string idHash, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sessions WHERE id_hash = @idHash", new { idHash }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    // Two texts, not "@except IS NULL OR …": PostgreSQL cannot type a parameter only compared with NULL.
    public Task<int> RemoveAllAsync(string userId, CancellationToken cancellationToken, string? exceptIdHash = null) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            exceptIdHash is null ? "DELETE FROM sessions WHERE user_id = @userId" : "DELETE FROM sessions WHERE user_id = @userId AND id_hash <> @exceptIdHash",
            new { userId, exceptIdHash }, transaction, cancellationToken: cancellationToken)), cancellationToken);
}
