using Annotator.Catalog;
using Annotator.Images;
using Annotator.Processing;
using Annotator.Storage;
using Annotator.Storage.FileSystem;
using Annotator.Testing;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Processing;

/// <summary>A library upgraded from before V6: its photos get their perceptual hashes from their stored thumbnails.</summary>
[Collection(LibvipsCollection.Name)]
public sealed class HashBackfillTests : IAsyncDisposable
{
    private static readonly WorkLease Lease = new("node-a", TimeSpan.FromMinutes(5));
    private readonly TempCatalog _temp = new();
    private readonly FileSystemObjectStore _store;
    private readonly VipsThumbnailer _thumbnailer = new(Options.Create(new ThumbnailOptions()), new LowPriorityThreads(1), NullLogger<VipsThumbnailer>.Instance);

    public HashBackfillTests() =>
        _store = new FileSystemObjectStore(Options.Create(new FileSystemStorageOptions { Root = Path.Combine(_temp.Folder, "objects") }));

    public ValueTask DisposeAsync() => _temp.DisposeAsync();

    /// <summary>An image thumbnailed as before V6: its thumbnail stored (unless <paramref name="thumbnail"/> is null), no hash.</summary>
    private async Task<ImageId> ThumbnailedBeforeV6Async(byte[]? thumbnail)
    {
        var image = new ImageRecord
        {
            Id = ImageId.New(), FileName = "old.jpg", Format = ImageFormat.Jpeg, Width = 640, Height = 480, SizeBytes = 1, CreatedAt = DateTimeOffset.UtcNow,
        };
        await _temp.Catalog.AddAsync(image, ObjectKeys.Raw(image.Id, image.Format), null, CancellationToken.None);
        Assert.Equal(ClaimOutcome.Claimed, (await _temp.Catalog.ClaimAsync(image.Id, Work.Thumbnail, Lease, CancellationToken.None)).Outcome);
        if (thumbnail is not null) await _store.PutAsync(ObjectKeys.Thumbnail(image.Id), new MemoryStream(thumbnail), "image/webp", CancellationToken.None);
        Assert.Equal(Completion.Stored, await _temp.Catalog.CompleteThumbnailAsync(image.Id, Lease.Owner, perceptualHash: null, CancellationToken.None));
        return image.Id;
    }

    private async Task<byte[]> ThumbnailOfAsync(string photo)
    {
        await using var file = File.OpenRead(TestData.Image(photo));
        return (await _thumbnailer.CreateThumbnailsAsync(file, 0, CancellationToken.None)).Thumbnail.Bytes;
    }

    [Fact]
    public async Task Old_photos_are_hashed_from_their_thumbnails_and_find_each_other_and_those_it_cannot_read_are_passed_over()
    {
        var upright = await ThumbnailedBeforeV6Async(await ThumbnailOfAsync("exif-landscape-1.jpg"));
        var turned = await ThumbnailedBeforeV6Async(await ThumbnailOfAsync("exif-landscape-6.jpg")); // the same photo, stored turned
        var other = await ThumbnailedBeforeV6Async(await ThumbnailOfAsync("camera-canon.jpg"));
        var missing = await ThumbnailedBeforeV6Async(thumbnail: null);
        var damaged = await ThumbnailedBeforeV6Async([.. (await ThumbnailOfAsync("nikon-gps.jpg")).Take(100)]);
        var backfill = new HashBackfill(_temp.Catalog, _store, _thumbnailer, TimeProvider.System, NullLogger<HashBackfill>.Instance);

        Assert.Equal(3, await backfill.SweepAsync(CancellationToken.None));

        Assert.Equal([turned], (await _temp.Catalog.FindSimilarAsync(upright, PerceptualHash.SimilarDistance, 10, CancellationToken.None)).Select(s => s.Image.Id));
        Assert.Empty(await _temp.Catalog.FindSimilarAsync(other, PerceptualHash.SimilarDistance, 10, CancellationToken.None));
        Assert.Equal([turned, upright], (await _temp.Catalog.ListAsync(new ImageQuery(null, 10, null, null, Similar: true), CancellationToken.None)).Items.Select(i => i.Id));
        Assert.Equal([missing, damaged], await _temp.Catalog.FindUnhashedAsync("", 10, CancellationToken.None)); // passed over, still unhashed
        Assert.Equal(0, await backfill.SweepAsync(CancellationToken.None)); // the next sweep tries them again, and hashes nothing twice
    }
}
