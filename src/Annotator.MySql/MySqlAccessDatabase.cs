using System.Data.Common;
using Annotator.Sql;

namespace Annotator.Catalog.MySql;

/// <summary>
/// The access stores' connections on the catalog's pool: writes through <see cref="MySqlDatabase.WriteAsync{T}"/>, at
/// READ COMMITTED and run again when InnoDB breaks a deadlock.
/// </summary>
public sealed class MySqlAccessDatabase(MySqlDatabase database) : IAccessDatabase
{
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await work(connection);
    }

    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => work(connection, transaction), cancellationToken);
}
