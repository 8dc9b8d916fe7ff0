using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Annotator.Server.Health;

/// <summary>Ready only when the backend behind <typeparamref name="T"/> (catalog, storage) answers.</summary>
public sealed class ReachableHealthCheck<T>(T backend) : IHealthCheck where T : IReachable
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await backend.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{context.Registration.Name} reachable");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{context.Registration.Name} unreachable: {e.Message}");
        }
    }
}
