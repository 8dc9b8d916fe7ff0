using Annotator.Thumbnails;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Annotator.Catalog.Sqlite;

/// <summary>
/// The embedded database: one SQLite file in WAL mode, so readers never wait for the writer.
/// Writes from this process go through one gate: SQLite allows one writer at a time anyway,
/// and queueing here is cheaper and fairer than SQLite's busy-retry loop.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public SqliteDatabase(IOptions<SqliteCatalogOptions> options)
    {
        var path = FilePath = Path.GetFullPath(options.Value.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    public string FilePath { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // The near-duplicate queries' distance (SimilarSql): SQLite has no popcount of its own.
        connection.CreateFunction("hamming64", (long a, long b) => (long)PerceptualHash.Distance(a, b), isDeterministic: true);
        using var command = connection.CreateCommand();
        // NORMAL is durable across process crashes in WAL mode (only a power loss can drop the last commits).
        command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> on its own connection, serialised with this process's writes (schema migration).</summary>
    public async Task<T> ExclusiveAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            return work(connection);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction, serialised with this process's other writes.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Runs asynchronous <paramref name="work"/> in one write transaction, serialised with this process's other writes
    /// (the shared access stores, written over <see cref="System.Data.Common.DbConnection"/>).
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = Open();
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
