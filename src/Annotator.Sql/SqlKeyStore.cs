using Annotator.Access;
using Dapper;

namespace Annotator.Sql;

/// <summary>
/// The Data Protection key ring in the <c>data_protection_keys</c> table, oldest key first: Data Protection only ever
/// adds keys (revocations are new elements), so there is nothing to update.
/// </summary>
public sealed class SqlKeyStore(IAccessDatabase database) : IKeyStore
{
    public Task<IReadOnlyList<string>> ReadAllAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(async connection =>
            [.. await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT xml FROM data_protection_keys ORDER BY id", cancellationToken: cancellationToken))],
            cancellationToken);

    public Task AddAsync(string name, string xml, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml)",
            new { name, xml }, transaction, cancellationToken: cancellationToken)), cancellationToken);
}
