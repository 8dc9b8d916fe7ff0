using System.Data.Common;
using Annotator.Access;
using Dapper;

namespace Annotator.Sql;

/// <summary>
/// Accounts in the <c>users</c> table. Every change is one transaction with its audit entry. A user name is unique by
/// its key (<see cref="User.Key"/>, the <c>user_key</c> column): a taken one is found inside the transaction, and a
/// concurrent insert that wins the race is caught as the unique index's refusal.
/// </summary>
public sealed class SqlUserStore(IAccessDatabase database) : IUserStore
{
    static SqlUserStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    private const string Insert = """
        INSERT INTO users (id, user_name, user_key, role, password_hash, issuer, subject, disabled, created_at)
        VALUES (@id, @userName, @userKey, @role, @passwordHash, @issuer, @subject, @disabled, @createdAt)
        """;

    public Task<bool> AnyAsync(CancellationToken cancellationToken) => database.ReadAsync(async connection =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM users", cancellationToken: cancellationToken)) > 0,
        cancellationToken);

    public Task<User?> FindAsync(string id, CancellationToken cancellationToken) =>
        FindOneAsync("id = @id", new { id }, cancellationToken);

    public Task<User?> FindByNameAsync(string userName, CancellationToken cancellationToken) =>
        FindOneAsync("user_key = @key", new { key = User.Key(userName) }, cancellationToken);

    public Task<User?> FindByLoginAsync(string issuer, string subject, CancellationToken cancellationToken) =>
        FindOneAsync("issuer = @issuer AND subject = @subject", new { issuer, subject }, cancellationToken);

    public Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken) => database.ReadAsync<IReadOnlyList<User>>(async connection =>
    {
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserRow.Columns} FROM users ORDER BY user_key", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToUser())];
    }, cancellationToken);

    public Task<bool> AddAsync(User user, AuditEntry audit, CancellationToken cancellationToken) =>
        RefusingTakenNameAsync(user, () => database.WriteAsync(async (connection, transaction) =>
        {
            if (await NameTakenAsync(connection, transaction, user.UserName, cancellationToken)) return false;
            await connection.ExecuteAsync(new CommandDefinition(Insert, UserRow.Values(user), transaction, cancellationToken: cancellationToken));
            await AuditInsert.RunAsync(connection, transaction, audit, cancellationToken);
            return true;
        }, cancellationToken), cancellationToken);

    /// <summary>
    /// Uses up every setup code before adding the admin: deleting them locks them, so of two first admins racing on a
    /// server, the second deletes none once the first commits, and is refused. Without a code (the settings' admin)
    /// two racing nodes add the same name, and the unique user name refuses the second.
    /// </summary>
    public Task<bool> AddFirstAsync(User user, string? codeHash, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken) =>
        RefusingTakenNameAsync(user, () => database.WriteAsync(async (connection, transaction) =>
        {
            if (codeHash is not null && await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT count(*) FROM setup_codes WHERE code_hash = @codeHash AND expires_at > @now",
                    new { codeHash, now = UnixMs.From(now) }, transaction, cancellationToken: cancellationToken)) == 0)
                return false;
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT count(*) FROM users", transaction: transaction, cancellationToken: cancellationToken)) > 0)
                return false;
            var usedUp = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM setup_codes", transaction: transaction, cancellationToken: cancellationToken));
            if (codeHash is not null && usedUp == 0) return false;
            await connection.ExecuteAsync(new CommandDefinition(Insert, UserRow.Values(user), transaction, cancellationToken: cancellationToken));
            await AuditInsert.RunAsync(connection, transaction, audit, cancellationToken);
            return true;
        }, cancellationToken), cancellationToken);

    public Task<bool> UpdateAsync(User user, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var updated = await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE users SET role = @role, password_hash = @passwordHash, issuer = @issuer, subject = @subject, disabled = @disabled
                WHERE id = @id
                """, UserRow.Values(user), transaction, cancellationToken: cancellationToken));
            if (updated == 0) return false;
            if (user.Disabled) await DeleteOwnedAsync(connection, transaction, "sessions", user.Id, cancellationToken);
            await AuditInsert.RunAsync(connection, transaction, audit, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<bool> DeleteAsync(string id, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM users WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            if (deleted == 0) return false;
            await DeleteOwnedAsync(connection, transaction, "sessions", id, cancellationToken);
            await DeleteOwnedAsync(connection, transaction, "api_tokens", id, cancellationToken);
            await AuditInsert.RunAsync(connection, transaction, audit, cancellationToken);
            return true;
        }, cancellationToken);

    public Task AddSetupCodeAsync(string codeHash, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO setup_codes (code_hash, expires_at) VALUES (@codeHash, @expiresAt)",
            new { codeHash, expiresAt = UnixMs.From(expiresAt) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    private Task<User?> FindOneAsync(string where, object parameters, CancellationToken cancellationToken) => database.ReadAsync(async connection =>
        (await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserRow.Columns} FROM users WHERE {where}", parameters, cancellationToken: cancellationToken)))?.ToUser(),
        cancellationToken);

    private static async Task<bool> NameTakenAsync(DbConnection connection, DbTransaction? transaction, string userName, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM users WHERE user_key = @key", new { key = User.Key(userName) }, transaction, cancellationToken: cancellationToken)) > 0;

    private static Task DeleteOwnedAsync(DbConnection connection, DbTransaction transaction, string table, string userId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition($"DELETE FROM {table} WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Runs an insert of <paramref name="user"/>, answering false when it lost to an account of the same name: the
    /// unique index refused it, which each driver reports with its own exception, so the name is looked up again.
    /// </summary>
    private async Task<bool> RefusingTakenNameAsync(User user, Func<Task<bool>> insert, CancellationToken cancellationToken)
    {
        try
        {
            return await insert();
        }
        catch (DbException)
        {
            if (await database.ReadAsync(connection => NameTakenAsync(connection, null, user.UserName, cancellationToken), cancellationToken)) return false;
            throw;
        }
    }
}
