using Annotator.Events;
using Annotator.Sql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Annotator.Catalog.Sqlite;

public static class SqliteRegistration
{
    /// <summary>The embedded catalog: one SQLite file (by default in the data folder) holding images, the feed, the event tables and the access stores.</summary>
    public static IServiceCollection AddSqliteCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SqliteCatalogOptions>().Bind(configuration.GetSection(SqliteCatalogOptions.Section))
            .PostConfigure<IOptions<AnnotatorOptions>>((o, root) =>
            {
                if (string.IsNullOrWhiteSpace(o.Path)) o.Path = System.IO.Path.Combine(root.Value.DataDirectory, "annotator.db");
            });
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<ICatalogSchema, SqliteSchema>();
        services.AddSingleton<IImageCatalog, SqliteImageCatalog>();
        services.AddSingleton<IOutbox, SqliteOutbox>();
        services.AddSingleton<IDeliveryQueue, SqliteDeliveryQueue>();
        services.AddSingleton<IDeadLetters, SqliteDeadLetters>();
        services.AddSingleton<IAccessDatabase, SqliteAccessDatabase>();
        services.AddSqlAccess();
        return services;
    }
}
