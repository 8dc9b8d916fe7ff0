using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Annotator.Processing;

/// <summary>
/// Removes objects that belong to no image. An upload stores its object before its row, and a
/// thumbnail is written before its state: a crash between the two leaves a file nobody can reach.
/// Objects younger than <see cref="MinimumAge"/> are left alone, since their row may be on its way.
/// Runs shortly after start and then every few hours.
/// </summary>
public sealed class OrphanSweeper(IObjectStore store, IImageCatalog catalog, TimeProvider time, ILogger<OrphanSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan MinimumAge = TimeSpan.FromHours(1);
    private static readonly TimeSpan FirstSweep = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(6);
    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstSweep, time, stoppingToken);
            while (true)
            {
                try
                {
                    var removed = await SweepAsync(stoppingToken);
                    if (removed > 0) logger.LogInformation("Removed {Count} objects that belonged to no image", removed);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "The orphan sweep failed; it runs again in {Interval}", Interval);
                }
                await Task.Delay(Interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>One sweep over raw/ and thumbnails/; returns how many objects it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        var cutoff = time.GetUtcNow() - MinimumAge;
        foreach (var prefix in new[] { ObjectKeys.RawPrefix, ObjectKeys.ThumbnailPrefix })
        {
            var batch = new List<(ObjectInfo Object, ImageId Owner)>();
            await foreach (var info in store.ListAsync(prefix, cancellationToken))
            {
                if (info.LastModified > cutoff || !ObjectKeys.TryParseOwner(info.Key, out var owner)) continue;
                batch.Add((info, owner));
                if (batch.Count == Batch) removed += await RemoveOrphansAsync(batch, cancellationToken);
            }
            removed += await RemoveOrphansAsync(batch, cancellationToken);
        }
        return removed;
    }

    private async Task<int> RemoveOrphansAsync(List<(ObjectInfo Object, ImageId Owner)> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return 0;
        var missing = await catalog.FindMissingAsync([.. batch.Select(b => b.Owner).Distinct()], cancellationToken);
        var orphans = batch.Where(b => missing.Contains(b.Owner)).ToList();
        foreach (var orphan in orphans) await store.DeleteAsync(orphan.Object.Key, cancellationToken);
        batch.Clear();
        return orphans.Count;
    }
}
