using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Annotator.Events;

namespace Annotator.Catalog;

/// <summary>
/// Tails the catalog's change feed on every node and publishes each change to <see cref="ImageChanges"/>, so a
/// page sees every change whichever node made it, on every engine and without a broker. Every change may
/// have written an outbox entry too, so it also wakes this node's outbox relay. Prunes old changes hourly.
/// </summary>
public sealed class ChangeFeed(
    IImageCatalog catalog, ImageChanges changes, OutboxSignal outbox, IOptions<CatalogOptions> options, TimeProvider time, ILogger<ChangeFeed> logger)
    : BackgroundService
{
    private const int Batch = 512;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    /// <summary>How long changes stay readable: a page away longer than this reloads instead of resuming.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the host answers requests, so that the first list cache key is already the feed's version.
        changes.Start(await catalog.LatestVersionAsync(cancellationToken));
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cursor = changes.Version;
        var pruned = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var read = 0;
                try
                {
                    var batch = await catalog.ReadChangesAsync(cursor, Batch, stoppingToken);
                    foreach (var change in batch) changes.Publish(change);
                    if (batch.Count > 0)
                    {
                        cursor = batch[^1].Version;
                        outbox.Pulse();
                    }
                    read = batch.Count;
                    if (time.GetUtcNow() - pruned > PruneInterval)
                    {
                        await catalog.PruneChangesAsync(time.GetUtcNow() - Retention, stoppingToken);
                        pruned = time.GetUtcNow();
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not read the change feed; trying again");
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
                if (read < Batch) await Task.Delay(options.Value.FeedInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
