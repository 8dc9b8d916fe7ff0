using Annotator.Catalog;
using Annotator.Events;
using Annotator.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Annotator.Processing;

/// <summary>
/// The safety net under the event bus: work still pending or processing, held by no live claim, and unchanged for
/// <see cref="QuietFor"/> has lost its event (a broker wiped, a delivery dropped in a crash, a dead letter nobody
/// replayed is not one of these: its work was failed or is retried by hand). Its ObjectCreated is published again;
/// the functions' claims make a needless one cost a read. Runs on workers every few minutes.
/// </summary>
public sealed class StalledWorkSweep(IImageCatalog catalog, IEventBus bus, TimeProvider time, ILogger<StalledWorkSweep> logger) : BackgroundService
{
    /// <summary>Longer than any backlog's normal wait and far longer than a lease, so live work is never announced twice.</summary>
    public static readonly TimeSpan QuietFor = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private const int Batch = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Interval, time, stoppingToken);
                try
                {
                    var announced = await SweepAsync(stoppingToken);
                    if (announced > 0) logger.LogWarning("Announced the work of {Count} images again: their events were lost", announced);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "The stalled-work sweep failed; it runs again in {Interval}", Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>One sweep; returns how many images it announced again.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var stalled = await catalog.FindStalledAsync(time.GetUtcNow() - QuietFor, Batch, cancellationToken);
        if (stalled.Count > 0) await bus.PublishAsync([.. stalled.Select(s => new ObjectCreated(ObjectKeys.Raw(s.Id, s.Format)))], cancellationToken);
        return stalled.Count;
    }
}
