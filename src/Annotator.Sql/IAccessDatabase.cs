using System.Data.Common;

namespace Annotator.Sql;

/// <summary>
/// Where the access stores get their connections: the catalog's database, given by its engine (SQLite through its
/// one write gate, MariaDB/MySQL and PostgreSQL through their pools), so the stores' SQL is written once over
/// <see cref="DbConnection"/>.
/// </summary>
public interface IAccessDatabase
{
    /// <summary>Runs <paramref name="work"/> on an open connection; each statement sees what is committed.</summary>
    Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, committed when it returns and rolled back when it throws: a
    /// change and its audit entry are written together or not at all.
    /// </summary>
    Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);
}
