using Annotator.Exports;
using Annotator.Captioning;
using Annotator.Catalog;
using Annotator.Events;
using Annotator.Processing;
using Annotator.Storage;
using Annotator.Thumbnails;
using Annotator.Uploads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Annotator;

/// <summary>
/// Wires the core: options bound from configuration and validated at start-up, the two functions and the
/// services around them. The adapters each port needs are the host's to add (one <c>Add…</c> per backend).
/// </summary>
public static class AnnotatorServices
{
    public static IServiceCollection AddAnnotator(this IServiceCollection services, IConfiguration configuration)
    {
        var root = configuration.GetSection(AnnotatorOptions.Section).Get<AnnotatorOptions>() ?? new AnnotatorOptions();
        var data = root.DataDirectory;

        services.AddOptionsFor<AnnotatorOptions>(configuration, AnnotatorOptions.Section);
        services.AddOptionsFor<StorageOptions>(configuration, StorageOptions.Section);
        services.AddOptionsFor<CatalogOptions>(configuration, CatalogOptions.Section);
        services.AddOptionsFor<UploadOptions>(configuration, UploadOptions.Section)
            .PostConfigure(o => o.TempDirectory = Default(o.TempDirectory, Path.Combine(data, "uploads")));
        services.AddOptionsFor<ThumbnailOptions>(configuration, ThumbnailOptions.Section);
        services.AddOptionsFor<WorkOptions>(configuration, WorkOptions.Section);
        services.AddOptionsFor<EventsOptions>(configuration, EventsOptions.Section);
        services.AddOptionsFor<ExportOptions>(configuration, ExportOptions.Section);
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
        services.AddSingleton<WorkLeases>();
        services.AddSingleton<WorkOutages>();
        services.AddSingleton<Captioners>();
        services.AddTransient(sp => sp.GetRequiredService<Captioners>().Create());

        services.AddSingleton<UploadService>();
        services.AddSingleton<IObjectCreatedHandler, CreateThumbnail>();
        services.AddSingleton<IObjectCreatedHandler, CreateAnnotation>();
        services.AddHostedService<ChangeFeed>();
        services.AddSingleton<ExportJobs>();
        services.AddSingleton<ExportWriter>();
        services.AddSingleton<ExportRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ExportRunner>());
        services.AddHostedService<ExportSweep>(); // every role: exports are made and kept by web nodes too
        if (root.RunsWorkers)
        {
            services.AddHostedService<OutboxRelay>();
            services.AddHostedService<FunctionHost>();
            services.AddHostedService<OrphanSweeper>();
            services.AddHostedService<StalledWorkSweep>();
            services.AddHostedService<HashBackfill>();
        }
        return services;
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
