using System.Data.Common;
using Annotator.Sql;

namespace Annotator.Catalog.Sqlite;

/// <summary>The access stores' connections on the embedded database: reads on their own, writes through its one write gate.</summary>
public sealed class SqliteAccessDatabase(SqliteDatabase database) : IAccessDatabase
{
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        return await work(connection);
    }

    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        database.WriteAsync<T>((connection, transaction) => work(connection, transaction), cancellationToken);
}
