using Annotator.Captioning;
using Annotator.Captioning.Offline;
using Annotator.Catalog;
using Annotator.Catalog.Sqlite;
using Annotator.Events;
using Annotator.Events.InProcess;
using Annotator.Processing;
using Annotator.Storage;
using Annotator.Thumbnails;
using Annotator.Uploads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Annotator;

/// <summary>
/// Wires the core: options bound from configuration and validated at start-up, and the adapter each
/// <c>Provider</c> setting names. Adding a backend is one adapter file and one line here.
/// </summary>
public static class AnnotatorServices
{
    public static IServiceCollection AddAnnotator(this IServiceCollection services, IConfiguration configuration)
    {
        var root = configuration.GetSection(AnnotatorOptions.Section).Get<AnnotatorOptions>() ?? new AnnotatorOptions();
        var data = root.DataDirectory;

        services.AddOptionsFor<AnnotatorOptions>(configuration, AnnotatorOptions.Section);
        services.AddOptionsFor<StorageOptions>(configuration, StorageOptions.Section)
            .PostConfigure(o => o.FileSystem.Root = Default(o.FileSystem.Root, Path.Combine(data, "objects")));
        services.AddOptionsFor<CatalogOptions>(configuration, CatalogOptions.Section)
            .PostConfigure(o => o.Sqlite.Path = Default(o.Sqlite.Path, Path.Combine(data, "annotator.db")));
        services.AddOptionsFor<UploadOptions>(configuration, UploadOptions.Section)
            .PostConfigure(o => o.TempDirectory = Default(o.TempDirectory, Path.Combine(data, "uploads")));
        services.AddOptionsFor<ThumbnailOptions>(configuration, ThumbnailOptions.Section);
        services.AddOptionsFor<WorkOptions>(configuration, WorkOptions.Section);
        services.AddOptionsFor<EventsOptions>(configuration, EventsOptions.Section);
        services.AddOptionsFor<CaptionOptions>(configuration, CaptionOptions.Section)
            .PostConfigure(o =>
            {
                o.Provider = o.Provider.Trim().ToLowerInvariant();
                o.Fallback = FallbackChain(configuration, o.Fallback);
            });
        services.AddSingleton<IValidateOptions<CaptionOptions>, CaptionOptionsValidation>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ImageChanges>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<LowPriorityThreads>();
        services.AddSingleton<WorkLeases>();

        // Adapters: the embedded shape's; later shapes add theirs beside these.
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<ICatalogSchema, SqliteSchema>();
        services.AddSingleton<IImageCatalog, SqliteImageCatalog>();
        services.AddSingleton<IOutbox, SqliteOutbox>();
        services.AddSingleton<IDeliveryQueue, SqliteDeliveryQueue>();
        services.AddSingleton<IDeadLetters, SqliteDeadLetters>();
        services.AddSingleton<IEventBus, InProcessEventBus>();
        services.AddSingleton<IObjectStore, FileSystemObjectStore>();
        services.AddSingleton<IThumbnailer, VipsThumbnailer>();
        AddCaptioners(services);

        services.AddSingleton<UploadService>();
        services.AddSingleton<IObjectCreatedHandler, CreateThumbnail>();
        services.AddSingleton<IObjectCreatedHandler, CreateAnnotation>();
        // Order matters: hosted services start in registration order, and the schema comes first.
        services.AddHostedService<SchemaMigration>();
        services.AddHostedService<ChangeFeed>();
        if (root.RunsWorkers)
        {
            services.AddHostedService<OutboxRelay>();
            services.AddHostedService<FunctionHost>();
            services.AddHostedService<OrphanSweeper>();
        }
        return services;
    }

    /// <summary>
    /// The captioners: the offline describer as the first provider, and the registry that picks the one a caption
    /// needs from every registered <see cref="ICaptionProvider"/> (the hosts add the model providers).
    /// </summary>
    private static void AddCaptioners(IServiceCollection services)
    {
        services.AddSingleton<OfflineDescriber>();
        services.AddSingleton<ICaptionProvider, OfflineProvider>();
        services.AddSingleton<Captioners>();
        services.AddTransient(sp => sp.GetRequiredService<Captioners>().Create());
    }

    /// <summary>Fallback as a list (<c>Fallback:0=offline</c>) or one comma-separated value (<c>Fallback=openai,offline</c>).</summary>
    private static string[] FallbackChain(IConfiguration configuration, string[] bound)
    {
        var scalar = configuration[$"{CaptionOptions.Section}:Fallback"];
        var names = string.IsNullOrWhiteSpace(scalar) ? bound : scalar.Split(',');
        return [.. names.Select(n => n.Trim().ToLowerInvariant()).Where(n => n.Length > 0)];
    }

    private static OptionsBuilder<T> AddOptionsFor<T>(this IServiceCollection services, IConfiguration configuration, string section) where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();

    private static string Default(string value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value;
}
