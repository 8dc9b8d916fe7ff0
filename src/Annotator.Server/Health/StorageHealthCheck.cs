using Annotator.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Annotator.Server.Health;

/// <summary>Ready only when the object store takes a write.</summary>
public sealed class StorageHealthCheck(IObjectStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy("storage reachable");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"storage unreachable: {e.Message}");
        }
    }
}
