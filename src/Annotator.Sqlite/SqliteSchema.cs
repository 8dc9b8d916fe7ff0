using EvolveDb;
using EvolveDb.Dialect;
using Microsoft.Extensions.Logging;

namespace Annotator.Catalog.Sqlite;

/// <summary>
/// The embedded catalog's migrations (<c>Migrations/V{n}__{what}.sql</c>, embedded), applied by Evolve. SQLite has no
/// session lock for Evolve's cluster mode, so processes sharing the file (a web and a worker role) take turns through
/// an exclusive lock on a file beside it; the one that waited finds the work done.
/// </summary>
public sealed class SqliteSchema(SqliteDatabase database, ILogger<SqliteSchema> logger) : ICatalogSchema
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(1);

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var turn = await TakeTurnAsync(database.FilePath + ".migration-lock", cancellationToken);
        return await database.ExclusiveAsync<IReadOnlyList<string>>(connection =>
        {
            var evolve = new Evolve(connection, message => logger.LogDebug("{Message}", message), DBMS.SQLite)
            {
                EmbeddedResourceAssemblies = [typeof(SqliteSchema).Assembly],
                EmbeddedResourceFilters = [typeof(SqliteSchema).Namespace + ".Migrations."],
                MetadataTableName = "schema_migrations",
                IsEraseDisabled = true,
                EnableClusterMode = false,
            };
            evolve.Migrate();
            return [.. evolve.AppliedMigrations];
        }, cancellationToken);
    }

    /// <summary>FileShare.None is an exclusive flock on Linux: it excludes other processes and other opens in this one.</summary>
    private static async Task<FileStream> TakeTurnAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
