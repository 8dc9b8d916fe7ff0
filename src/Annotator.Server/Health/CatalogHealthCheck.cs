using Annotator.Catalog;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Annotator.Server.Health;

/// <summary>Ready only when the catalog answers a query.</summary>
public sealed class CatalogHealthCheck(IImageCatalog catalog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await catalog.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy("catalog reachable");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"catalog unreachable: {e.Message}");
        }
    }
}
