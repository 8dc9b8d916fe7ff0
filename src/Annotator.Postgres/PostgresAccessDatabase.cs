using System.Data.Common;
using Annotator.Sql;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Annotator.Catalog.Postgres;

/// <summary>The access stores' connections on the catalog's data source, writing as the catalog does (<see cref="DataSourceWrites"/>).</summary>
public sealed class PostgresAccessDatabase(
    [FromKeyedServices(PostgresRegistration.DataSourceKey)] NpgsqlDataSource dataSource) : IAccessDatabase
{
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await work(connection);
    }

    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        dataSource.WriteAsync((connection, transaction) => work(connection, transaction), cancellationToken);
}
