using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging;

namespace Annotator.Processing;

/// <summary>
/// Gives the images thumbnailed before there were perceptual hashes (schema V6) theirs, so that an upgraded library's
/// older photos are found as near-duplicates too. The hash is made from each image's stored 256 px thumbnail, the pixels
/// CreateThumbnail hashes now (their WebP encoding moves it a bit or two, far inside <see cref="PerceptualHash.SimilarDistance"/>),
/// so no original is decoded again: about 6 ms an image, a tenth of the thumbnail set (each new hash is then compared with
/// the others, as a thumbnail's is). Runs on workers a minute after start, and every few hours for rows a worker of an
/// older version may still leave unhashed during a rolling upgrade.
/// </summary>
public sealed class HashBackfill(IImageCatalog catalog, IObjectStore store, IThumbnailer thumbnailer, TimeProvider time, ILogger<HashBackfill> logger)
    : PeriodicSweep(time, logger)
{
    protected override TimeSpan FirstDelay => TimeSpan.FromMinutes(1);
    protected override TimeSpan Interval => TimeSpan.FromHours(6);
    private const int Batch = 200;

    /// <summary>Far above any 256 px WebP (a few kilobytes): a larger object is not a thumbnail this server made.</summary>
    private const long MaxThumbnailBytes = 4 << 20;

    protected override string Name => "perceptual-hash backfill";

    protected override void Report(int count) => Logger.LogInformation("Hashed {Count} images from before perceptual hashes, for near-duplicates", count);

    /// <summary>One pass over every unhashed image, in id order; returns how many it hashed.</summary>
    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var hashed = 0;
        var after = "";
        while (await catalog.FindUnhashedAsync(after, Batch, cancellationToken) is { Count: > 0 } batch)
        {
            foreach (var id in batch)
                if (await HashAsync(id, cancellationToken) is { } hash && await catalog.StoreHashAsync(id, hash, cancellationToken)) hashed++;
            after = batch[^1].ToString();
        }
        return hashed;
    }

    /// <summary>The hash of one image's stored thumbnail; null (logged) when it is missing or damaged: the image is passed over.</summary>
    private async Task<long?> HashAsync(ImageId id, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream(); // a thumbnail is a few kilobytes: one read, not a range request per decoder seek
        await using (var thumbnail = await store.OpenReadAsync(ObjectKeys.Thumbnail(id), cancellationToken))
        {
            if (thumbnail is null || thumbnail.Length > MaxThumbnailBytes)
            {
                Logger.LogWarning("Image {Id} has no stored thumbnail to hash ({Why}): passed over", id, thumbnail is null ? "none" : $"{thumbnail.Length} bytes");
                return null;
            }
            await thumbnail.Content.CopyToAsync(buffer, cancellationToken);
        }
        try
        {
            return await thumbnailer.HashThumbnailAsync(buffer, cancellationToken);
        }
        catch (ImageDecodeException e)
        {
            Logger.LogWarning("The stored thumbnail of image {Id} cannot be hashed: {Reason}", id, e.Message);
            return null;
        }
    }
}
