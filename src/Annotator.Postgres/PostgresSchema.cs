using EvolveDb;
using EvolveDb.Dialect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Annotator.Catalog.Postgres;

/// <summary>
/// The catalog's migrations (<c>Migrations/V{n}__{what}.sql</c>, embedded), applied by Evolve in the connection's
/// schema (the first of its <c>search_path</c>: <c>public</c> unless the connection string says otherwise). Cluster
/// mode holds a PostgreSQL advisory lock while it migrates, so of several nodes starting at once one migrates and
/// the others, polling every 3 s, find the work done. Each migration runs in one transaction.
/// </summary>
public sealed class PostgresSchema(
    [FromKeyedServices(PostgresRegistration.DataSourceKey)] NpgsqlDataSource dataSource, ILogger<PostgresSchema> logger) : ICatalogSchema
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var evolve = new Evolve(connection, message => logger.LogDebug("{Message}", message), DBMS.PostgreSQL)
        {
            EmbeddedResourceAssemblies = [typeof(PostgresSchema).Assembly],
            EmbeddedResourceFilters = [typeof(PostgresSchema).Namespace + ".Migrations."],
            MetadataTableName = "schema_migrations",
            IsEraseDisabled = true,
            EnableClusterMode = true,
        };
        // Evolve is synchronous and sleeps while another node holds the lock: keep that off the caller's thread.
        await Task.Run(evolve.Migrate, cancellationToken);
        return [.. evolve.AppliedMigrations];
    }
}
