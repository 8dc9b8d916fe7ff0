using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Annotator.Catalog;
using Annotator.Processing;
using Annotator.Storage;
using Annotator.Server.Api;
using Annotator.Server.Health;
using Annotator.Server.Web;
using Microsoft.AspNetCore.Rewrite;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace Annotator.Server;

/// <summary>The host: the core, then the HTTP surface the role asks for, health, OpenAPI and telemetry.</summary>
public static class ServerSetup
{
    public static WebApplicationBuilder AddAnnotatorServer(this WebApplicationBuilder builder)
    {
        // Static files as built, in every environment: without this, a build (not a publish) run outside
        // Development answers gzip-accepting browsers with empty 200s, because MapStaticAssets' build-time
        // .gz files live in obj/, not wwwroot/. After a publish there is no manifest and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        var services = builder.Services;
        services.AddAnnotator(builder.Configuration);
        services.AddProblemDetails();
        // Absent means null: smaller pages for the gallery's hottest request.
        // HTML-sensitive characters (< > & ' ") are escaped in every JSON string, as defence in depth
        // for names like "<script>.jpg"; letters of every language stay readable.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        });
        services.AddOutputCache();
        services.AddOpenApi();
        services.AddHealthChecks()
            .AddCheck<ReachableHealthCheck<IImageCatalog>>("catalog", tags: ["ready"])
            .AddCheck<ReachableHealthCheck<IObjectStore>>("storage", tags: ["ready"]);

        // Metrics and traces go to an OTLP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set. Without one,
        // nothing is collected: tracing every request for nobody cost measurable throughput. The meters
        // still exist for dotnet-counters.
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.AddOpenTelemetry()
                // "Polly": the caption providers' resilience events (retries, circuit changes, timeouts).
                .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddMeter(ProcessingMetrics.MeterName, "Polly").AddOtlpExporter())
                .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddOtlpExporter());
        }
        return builder;
    }

    public static WebApplication UseAnnotatorServer(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") });
        if (!app.Services.GetRequiredService<IOptions<AnnotatorOptions>>().Value.RunsWeb) return app;

        // The two pages are static files; their friendly addresses are rewritten before routing.
        app.UseRewriter(new RewriteOptions()
            .AddRewrite("^$", "index.html", skipRemainingRules: true)
            .AddRewrite("^images/[0-9a-f-]{36}$", "image.html", skipRemainingRules: true));
        app.UseRouting();
        app.UseOutputCache();
        app.MapStaticAssets();
        app.MapImagesApi();
        app.MapRecaptionsApi();
        app.MapEventsApi();
        app.MapOpenApi();
        app.MapScalarApiReference(options => options.WithTitle("Annotator API"));
        return app;
    }
}
