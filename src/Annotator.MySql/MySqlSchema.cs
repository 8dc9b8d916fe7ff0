using EvolveDb;
using EvolveDb.Dialect;
using Microsoft.Extensions.Logging;

namespace Annotator.Catalog.MySql;

/// <summary>
/// The catalog's migrations (<c>Migrations/V{n}__{what}.sql</c>, embedded), applied by Evolve's MySQL dialect. Its
/// cluster mode holds <c>GET_LOCK('Evolve')</c> while it migrates, so of several nodes starting at once one migrates
/// and the others wait (polling every 3 s) and then find the work done. That lock's name is server-wide: catalogs in
/// other databases of the same server take turns too.
/// </summary>
public sealed class MySqlSchema(MySqlDatabase database, ILogger<MySqlSchema> logger) : ICatalogSchema
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Evolve is synchronous and sleeps while another node holds the lock: keep that off the caller's thread.
        return await Task.Run<IReadOnlyList<string>>(() =>
        {
            var evolve = new Evolve(connection, message => logger.LogDebug("{Message}", message), DBMS.MySQL)
            {
                EmbeddedResourceAssemblies = [typeof(MySqlSchema).Assembly],
                EmbeddedResourceFilters = [typeof(MySqlSchema).Namespace + ".Migrations."],
                MetadataTableName = "schema_migrations",
                IsEraseDisabled = true,
                EnableClusterMode = true,
            };
            evolve.Migrate();
            return [.. evolve.AppliedMigrations];
        }, cancellationToken);
    }
}
