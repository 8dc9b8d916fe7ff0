using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Annotator.Captioning.Models;
using Annotator.Catalog;
using Annotator.Events;
using Annotator.Thumbnails;
using Annotator.Processing;
using Annotator.Storage;
using Annotator.Server.Access;
using Annotator.Server.Api;
using Annotator.Server.Health;
using Annotator.Server.Web;
using Annotator.Uploads;
using Microsoft.AspNetCore.Rewrite;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace Annotator.Server;

/// <summary>The host: the core and its adapters, then the HTTP surface the role asks for, health, OpenAPI and telemetry.</summary>
public static class ServerSetup
{
    public static WebApplicationBuilder AddAnnotatorServer(this WebApplicationBuilder builder)
    {
        // Static files as built, in every environment: without this, a build (not a publish) run outside
        // Development answers gzip-accepting browsers with empty 200s, because MapStaticAssets' build-time
        // .gz files live in obj/, not wwwroot/. After a publish there is no manifest and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        // A build (not a publish) would also map a catch-all endpoint serving wwwroot files missing from the build's
        // manifest; it declares no policy (the fallback policy guards it, but every endpoint names its own) and a publish
        // has none. Without it a build serves exactly what a publish does.
        builder.Configuration["DisableStaticAssetNotFoundRuntimeFallback"] ??= "true";
        // Only requests for this machine's own names are answered unless AllowedHosts says more: a page on
        // another site that rebinds its DNS name to 127.0.0.1 must not reach the API. ASP.NET Core's host filtering.
        if (string.IsNullOrWhiteSpace(builder.Configuration["AllowedHosts"])) builder.Configuration["AllowedHosts"] = DefaultHosts(builder.Configuration["urls"]);
        var services = builder.Services;
        services.AddAnnotator(builder.Configuration).AddBackends(builder.Configuration).AddVipsImaging();
        // After the core, so its offline describer stays the first provider that lists and messages name.
        services.AddModelCaptioners(builder.Configuration);
        services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection(ServerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // Kestrel is built with the app, before StartupErrors can report a wrong setting plainly: read the
        // values as bound, and leave one that is out of range to the validation that stops the process.
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var server = context.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new();
            var uploads = context.Configuration.GetSection(UploadOptions.Section).Get<UploadOptions>() ?? new();
            if (server.MaxConnections > 0)
            {
                kestrel.Limits.MaxConcurrentConnections = server.MaxConnections;
                kestrel.Limits.MaxConcurrentUpgradedConnections = server.MaxConnections;
            }
            if (uploads.MinBytesPerSecond > 0)
                kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(uploads.MinBytesPerSecond, TimeSpan.FromSeconds(10));
        });
        services.AddAnnotatorAccess(builder.Configuration);
        services.AddForwardedProxies(builder.Configuration);
        services.AddSingleton<UploadAdmission>();
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveFeed>());
        services.AddExceptionHandler<BackendOutage>();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // The framework's own 415 (a JSON endpoint sent something else) says nothing of what to send.
            if (context.ProblemDetails is { Status: StatusCodes.Status415UnsupportedMediaType, Detail: null } problem)
                problem.Detail = $"{context.HttpContext.Request.Path} takes a JSON body: send it as application/json";
        });
        // Absent means null: smaller pages for the gallery's hottest request.
        // HTML-sensitive characters (< > & ' ") are escaped in every JSON string, as defence in depth
        // for names like "<script>.jpg"; letters of every language stay readable.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        });
        services.AddOutputCache();
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer<BearerSchemeTransformer>());
        services.AddHealthChecks()
            .AddCheck<ReachableHealthCheck<IImageCatalog>>("catalog", tags: ["ready"])
            .AddCheck<ReachableHealthCheck<IObjectStore>>("storage", tags: ["ready"])
            .AddCheck<ReachableHealthCheck<IEventBus>>("events", tags: ["ready"]);

        // Metrics and traces go to an OTLP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set. Without one,
        // nothing is collected: tracing every request for nobody cost measurable throughput. The meters
        // still exist for dotnet-counters.
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.AddOpenTelemetry()
                // "Polly": the caption providers' resilience events (retries, circuit changes, timeouts).
                .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddMeter(ProcessingTelemetry.MeterName, "Polly").AddOtlpExporter())
                .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddSource(ProcessingTelemetry.SourceName).AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>
    /// The default of <c>AllowedHosts</c>: this machine's own names, and any host named in <c>--urls</c>
    /// (<c>http://192.168.1.20:5000</c> is answered as that address; a wildcard like <c>0.0.0.0</c> names none).
    /// </summary>
    private static string DefaultHosts(string? urls)
    {
        var named = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url => Uri.TryCreate(url.Replace("://*", "://wildcard").Replace("://+", "://wildcard"), UriKind.Absolute, out var uri) ? uri.Host : null)
            .OfType<string>()
            .Where(host => host is not ("wildcard" or "0.0.0.0" or "[::]"));
        return string.Join(';', new[] { "localhost", "127.0.0.1", "[::1]" }.Concat(named).Distinct(StringComparer.OrdinalIgnoreCase));
    }

    public static WebApplication UseAnnotatorServer(this WebApplication app)
    {
        // First: the address, scheme and host a trusted proxy forwarded are what everything after it sees.
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseCrossSiteProtection();
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        if (!app.Services.GetRequiredService<IOptions<AnnotatorOptions>>().Value.RunsWeb) return app;
        UploadBuffers.RemoveLeftovers(app.Services.GetRequiredService<IOptions<UploadOptions>>().Value.TempDirectory, app.Logger);

        app.UsePages();
        app.UseRouting();
        app.UseAnnotatorAccess();
        app.UseOutputCache();
        app.MapPages();
        app.MapAuthApi();
        app.MapUsersApi();
        app.MapTokensApi();
        app.MapAuditApi();
        app.MapImagesApi();
        app.MapRecaptionsApi();
        app.MapAnnotationsApi();
        app.MapExportsApi();
        app.MapEventsApi();
        app.MapDeadLettersApi();
        app.MapOpenApi().RequireAuthorization(Rights.Read);
        app.MapScalarApiReference(options => options.WithTitle("Annotator API")).RequireAuthorization(Rights.Read);
        return app;
    }
}
