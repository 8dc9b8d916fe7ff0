using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;
using Microsoft.Extensions.Logging;

namespace Annotator.Processing;

/// <summary>
/// Removes objects that belong to no image. An upload stores its object before its row, and a
/// thumbnail is written before its state: a crash between the two leaves a file nobody can reach.
/// Objects younger than <see cref="MinimumAge"/> are left alone, since their row may be on its way.
/// Runs shortly after start and then every few hours.
/// </summary>
public sealed class OrphanSweeper(IObjectStore store, IImageCatalog catalog, TimeProvider time, ILogger<OrphanSweeper> logger) : PeriodicSweep(time, logger)
{
    public static readonly TimeSpan MinimumAge = TimeSpan.FromHours(1);
    protected override TimeSpan FirstDelay => TimeSpan.FromMinutes(1);
    protected override TimeSpan Interval => TimeSpan.FromHours(6);
    private const int Batch = 500;

    protected override string Name => "orphan sweep";

    protected override void Report(int count) => Logger.LogInformation("Removed {Count} objects that belonged to no image", count);


    /// <summary>One sweep over raw/ and thumbnails/; returns how many objects it deleted.</summary>
    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        var cutoff = Time.GetUtcNow() - MinimumAge;
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
