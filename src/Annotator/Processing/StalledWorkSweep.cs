using Annotator.Catalog;
using Annotator.Events;
using Annotator.Storage;
using Microsoft.Extensions.Logging;

namespace Annotator.Processing;

/// <summary>
/// The safety net under the event bus: work still pending or processing, held by no live claim, and unchanged for
/// <see cref="QuietFor"/> has lost its event (a broker wiped, a delivery dropped in a crash, a dead letter nobody
/// replayed is not one of these: its work was failed or is retried by hand). Its ObjectCreated is published again;
/// the functions' claims make a needless one cost a read. Runs on workers every few minutes.
/// </summary>
public sealed class StalledWorkSweep(IImageCatalog catalog, IEventBus bus, TimeProvider time, ILogger<StalledWorkSweep> logger) : PeriodicSweep(time, logger)
{
    /// <summary>Longer than any backlog's normal wait and far longer than a lease, so live work is never announced twice.</summary>
    public static readonly TimeSpan QuietFor = TimeSpan.FromMinutes(15);
    protected override TimeSpan Interval => TimeSpan.FromMinutes(5);
    private const int Batch = 200;

    protected override string Name => "stalled-work sweep";

    protected override void Report(int count) => Logger.LogWarning("Announced the work of {Count} images again: their events were lost", count);


    /// <summary>One sweep; returns how many images it announced again.</summary>
    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var stalled = await catalog.FindStalledAsync(Time.GetUtcNow() - QuietFor, Batch, cancellationToken);
        if (stalled.Count > 0) await bus.PublishAsync([.. stalled.Select(s => new ObjectCreated(ObjectKeys.Raw(s.Id, s.Format)))], cancellationToken);
        return stalled.Count;
    }
}
