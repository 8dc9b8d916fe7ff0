using Annotator.Events;
using Annotator.Sql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Annotator.Catalog.MySql;

public static class MySqlRegistration
{
    /// <summary>
    /// The catalog on MariaDB or MySQL: <c>Annotator:Catalog:ConnectionString</c> and <c>PasswordFile</c> bound and
    /// checked at start-up, a connection pool of its own (keyed, so a host's other MySQL pools are left alone), and
    /// the schema, catalog, outbox, delivery queue, dead letters and access stores on it.
    /// </summary>
    public static IServiceCollection AddMySqlCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MySqlCatalogOptions>().Bind(configuration.GetSection(MySqlCatalogOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MySqlCatalogOptions>, MySqlCatalogOptionsValidation>();
        services.AddKeyedSingleton(MySqlDatabase.Key,
            (sp, _) => MySqlCatalogDataSource.Create(sp.GetRequiredService<IOptions<MySqlCatalogOptions>>().Value));
        services.AddSingleton<MySqlDatabase>();
        services.AddSingleton<ICatalogSchema, MySqlSchema>();
        services.AddSingleton<IImageCatalog, MySqlImageCatalog>();
        services.AddSingleton<IOutbox, MySqlOutbox>();
        services.AddSingleton<IDeliveryQueue, MySqlDeliveryQueue>();
        services.AddSingleton<IDeadLetters, MySqlDeadLetters>();
        services.AddSingleton<IAccessDatabase, MySqlAccessDatabase>();
        services.AddSqlAccess();
        return services;
    }
}
