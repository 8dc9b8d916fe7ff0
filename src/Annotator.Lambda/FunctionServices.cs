using Annotator.Captioning.Models;
using Annotator.Catalog.MySql;
using Annotator.Storage.S3;
using Annotator.Thumbnails;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Annotator.Lambda;

/// <summary>
/// The same services every other shape builds, from the same settings (environment variables in ASP.NET Core's
/// <c>Annotator__Catalog__Provider</c> form), with the AWS shape's adapters: the catalog on MySQL, objects in S3,
/// libvips, the model providers. The secrets are added from the extension before anything reads them.
/// </summary>
public static class FunctionServices
{
    public static ServiceProvider Build()
    {
        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var secrets = Environment.GetEnvironmentVariable(FunctionSecrets.DatabaseVariable) is { Length: > 0 }
            || Environment.GetEnvironmentVariable(FunctionSecrets.GeminiVariable) is { Length: > 0 }
            ? FunctionSecrets.ReadAsync(ExtensionSecrets.FromEnvironment(), environment["Annotator:Catalog:ConnectionString"], CancellationToken.None).GetAwaiter().GetResult()
            : [];
        var configuration = new ConfigurationBuilder().AddConfiguration(environment).AddInMemoryCollection(secrets).Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        // Lambda sends stdout and stderr to CloudWatch Logs; one line per entry, on stderr (stdout stays free).
        services.AddLogging(logging => logging
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(o => { o.SingleLine = true; o.ColorBehavior = LoggerColorBehavior.Disabled; })
            .AddFilter("Microsoft", LogLevel.Warning)
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddAnnotator(configuration).AddMySqlCatalog(configuration).AddS3ObjectStore(configuration).AddVipsImaging();
        services.AddModelCaptioners(configuration);
        // Nothing runs between invocations (Lambda freezes the environment): no relay, sweeps or change feed, and so no
        // event bus. SQS is the transport, and the web tier relays its outbox to it (Annotator.Sqs).
        services.RemoveAll<IHostedService>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
