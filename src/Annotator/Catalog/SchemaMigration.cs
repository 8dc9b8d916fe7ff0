using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Annotator.Catalog;

/// <summary>Migrates the catalog before anything else starts; registered first, so every other service sees the current schema.</summary>
public sealed class SchemaMigration(ICatalogSchema schema, ILogger<SchemaMigration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var migration in await schema.MigrateAsync(cancellationToken))
            logger.LogInformation("Applied catalog migration {Migration}", migration);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
