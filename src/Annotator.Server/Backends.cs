using Annotator.Catalog;
using Annotator.Catalog.MySql;
using Annotator.Catalog.Postgres;
using Annotator.Catalog.Sqlite;
using Annotator.Events;
using Annotator.Events.InProcess;
using Annotator.Events.RabbitMq;
using Annotator.Events.Sqs;
using Annotator.Storage;
using Annotator.Storage.FileSystem;
using Annotator.Storage.S3;

namespace Annotator.Server;

/// <summary>
/// Picks each port's adapter by its <c>Provider</c> setting. Adding a backend is its adapter project and one line
/// here; a name not listed stops start-up with one line that lists the ones there are.
/// </summary>
public static class Backends
{
    private static readonly Dictionary<string, Action<IServiceCollection, IConfiguration>> Catalogs = new()
    {
        ["sqlite"] = (services, configuration) => services.AddSqliteCatalog(configuration),
        ["mysql"] = (services, configuration) => services.AddMySqlCatalog(configuration),
        ["postgres"] = (services, configuration) => services.AddPostgresCatalog(configuration),
    };

    private static readonly Dictionary<string, Action<IServiceCollection, IConfiguration>> Stores = new()
    {
        ["filesystem"] = (services, configuration) => services.AddFileSystemObjectStore(configuration),
        ["s3"] = (services, configuration) => services.AddS3ObjectStore(configuration),
    };

    private static readonly Dictionary<string, Action<IServiceCollection, IConfiguration>> Buses = new()
    {
        ["inprocess"] = (services, _) => services.AddInProcessEventBus(),
        ["rabbitmq"] = (services, configuration) => services.AddRabbitMqEventBus(configuration),
        // The AWS shape's web tier: the functions run on Lambda from these queues (deploy/aws).
        ["sqs"] = (services, configuration) => services.AddSqsEventBus(configuration),
    };

    public static IServiceCollection AddBackends(this IServiceCollection services, IConfiguration configuration)
    {
        Add(services, configuration, CatalogOptions.Section, "sqlite", Catalogs);
        Add(services, configuration, StorageOptions.Section, "filesystem", Stores);
        Add(services, configuration, EventsOptions.Section, "inprocess", Buses);
        return services;
    }

    private static void Add(
        IServiceCollection services, IConfiguration configuration, string section, string fallback, Dictionary<string, Action<IServiceCollection, IConfiguration>> known)
    {
        var name = configuration[$"{section}:Provider"]?.Trim().ToLowerInvariant() is { Length: > 0 } set ? set : fallback;
        if (!known.TryGetValue(name, out var add))
            throw new UnknownBackendException($"{section}:Provider is '{name}', not one of {string.Join(", ", known.Keys)}");
        add(services, configuration);
    }
}

/// <summary>A <c>Provider</c> setting that names no adapter this build has.</summary>
public sealed class UnknownBackendException(string message) : Exception(message);
