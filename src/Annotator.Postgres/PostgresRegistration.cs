using Annotator.Events;
using Annotator.Sql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Annotator.Catalog.Postgres;

public static class PostgresRegistration
{
    /// <summary>The catalog's data source is keyed, so a host's other PostgreSQL data sources are left alone.</summary>
    public const string DataSourceKey = "Annotator.Catalog";

    /// <summary>
    /// The catalog in PostgreSQL: <c>Annotator:Catalog</c>'s connection settings bound and validated at start-up, one
    /// pooling data source, and the schema, catalog, outbox, delivery queue, dead letters and access stores on it.
    /// </summary>
    public static IServiceCollection AddPostgresCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PostgresCatalogOptions>().Bind(configuration.GetSection(PostgresCatalogOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PostgresCatalogOptions>, PostgresCatalogOptionsValidation>();
        services.AddKeyedSingleton(DataSourceKey, (sp, _) =>
            new NpgsqlDataSourceBuilder(PostgresConnectionString.From(sp.GetRequiredService<IOptions<PostgresCatalogOptions>>().Value).ConnectionString)
                .UseLoggerFactory(sp.GetService<ILoggerFactory>())
                .Build());
        services.AddSingleton<ICatalogSchema, PostgresSchema>();
        services.AddSingleton<IImageCatalog, PostgresImageCatalog>();
        services.AddSingleton<IOutbox, PostgresOutbox>();
        services.AddSingleton<IDeliveryQueue, PostgresDeliveryQueue>();
        services.AddSingleton<IDeadLetters, PostgresDeadLetters>();
        services.AddSingleton<IAccessDatabase, PostgresAccessDatabase>();
        services.AddSqlAccess();
        return services;
    }
}
