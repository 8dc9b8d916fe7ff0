using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>The change feed: one version per change, in commit order, with no gap and no repeat across concurrent writers.</summary>
public abstract partial class CatalogContract
{
    private async Task<List<ImageChange>> ReadAllChangesAsync(long after = 0)
    {
        var all = new List<ImageChange>();
        while (true)
        {
            var batch = await Catalog.ReadChangesAsync(after, 100, CancellationToken.None);
            if (batch.Count == 0) return all;
            all.AddRange(batch);
            after = batch[^1].Version;
        }
    }

    [ContractFact]
    public async Task Every_change_to_an_image_is_in_the_feed_and_its_version_is_its_latest_change()
    {
        var start = await Catalog.LatestVersionAsync(CancellationToken.None);
        var image = await AddAsync("a.jpg");
        await ClaimAsync(image.Id, Work.Thumbnail);
        await Catalog.CompleteThumbnailAsync(image.Id, NodeA.Owner, null, CancellationToken.None);
        await CaptionAsync(image.Id, CaptionOf("x"));
        var gone = await AddAsync("b.jpg");
        await Catalog.DeleteAsync(gone.Id, CancellationToken.None);

        var changes = await ReadAllChangesAsync(start);

        Assert.Equal(Enumerable.Range(1, changes.Count).Select(i => start + i), changes.Select(c => c.Version));
        Assert.True(changes.Count(c => c.Id == image.Id) >= 5); // added, claimed twice, finished twice
        Assert.Equal([false, true], changes.Where(c => c.Id == gone.Id).Select(c => c.Deleted).TakeLast(2));
        var read = (await Catalog.GetAsync(image.Id, CancellationToken.None))!;
        Assert.Equal(changes.Last(c => c.Id == image.Id).Version, read.Version);
        Assert.Equal(changes[^1].Version, await Catalog.LatestVersionAsync(CancellationToken.None));
    }

    [ContractFact]
    public async Task Concurrent_writers_on_several_nodes_leave_a_feed_without_gaps_or_repeats()
    {
        var nodes = Enumerable.Range(0, 4).Select(_ => Under.AnotherNode()).ToList();
        var images = new List<ImageRecord>();
        for (var i = 0; i < 8; i++) images.Add(await AddAsync($"{i}.jpg"));
        var start = await Catalog.LatestVersionAsync(CancellationToken.None);

        // A reader tails the feed while the writers run, as a web node does.
        var seen = new List<ImageChange>();
        using var writersDone = new CancellationTokenSource();
        var tail = Task.Run(async () =>
        {
            var cursor = start;
            while (true)
            {
                var finished = writersDone.IsCancellationRequested;
                var batch = await Catalog.ReadChangesAsync(cursor, 50, CancellationToken.None);
                seen.AddRange(batch);
                if (batch.Count > 0) cursor = batch[^1].Version;
                else if (finished) return;
                else await Task.Delay(5);
            }
        });
        var writes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var catalog = nodes[i % nodes.Count].Catalog;
            var image = images[i % images.Count];
            return await catalog.RecaptionAsync(image.Id, ObjectKeys.Raw(image.Id, ImageFormat.Jpeg), null, CancellationToken.None) ? 1 : 0;
        })));
        await writersDone.CancelAsync();
        await tail;

        Assert.Equal(40, writes.Sum());
        Assert.Equal(Enumerable.Range(1, 40).Select(i => start + i), seen.Select(c => c.Version));
        foreach (var node in nodes) await node.DisposeAsync();
    }

    [ContractFact]
    public async Task Pruning_forgets_old_changes_but_never_the_newest_and_versions_never_go_back()
    {
        await AddAsync("a.jpg");
        await AddAsync("b.jpg");
        var latest = await Catalog.LatestVersionAsync(CancellationToken.None);

        await Catalog.PruneChangesAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);

        var left = await ReadAllChangesAsync();
        Assert.Equal([latest], left.Select(c => c.Version));
        Assert.Equal(latest, await Catalog.LatestVersionAsync(CancellationToken.None));
        await AddAsync("c.jpg");
        Assert.Equal(latest + 1, await Catalog.LatestVersionAsync(CancellationToken.None));
        // A reader from before the prune sees the gap: its first change is beyond the version it asked after, plus one.
        Assert.True((await Catalog.ReadChangesAsync(0, 10, CancellationToken.None))[0].Version > 1);
    }
}
