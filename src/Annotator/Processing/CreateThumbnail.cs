using Annotator.Catalog;
using Annotator.Events;
using Annotator.Storage;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Processing;

/// <summary>ObjectCreated(raw/…) → thumbnails/{id}.webp and thumbnails/{id}.preview.webp, thumbnail state done or failed.</summary>
public sealed class CreateThumbnail(
    IImageCatalog catalog, IObjectStore store, IThumbnailer thumbnailer, IOptions<ThumbnailOptions> options, ILogger<CreateThumbnail> logger)
    : IObjectCreatedHandler
{
    public string Name => "thumbnail";

    public int Concurrency { get; } = options.Value.Concurrency is > 0 and var n ? n : Environment.ProcessorCount;

    public async Task HandleAsync(ObjectCreated created, CancellationToken cancellationToken)
    {
        if (!ObjectKeys.TryParseRaw(created.Key, out var id, out _)) return;
        var image = await catalog.StartAsync(id, Work.Thumbnail, cancellationToken);
        if (image is null) return; // deleted, already done, or given up on: nothing to do

        using var timer = ProcessingMetrics.Time(Work.Thumbnail);
        try
        {
            ThumbnailSet set;
            await using (var raw = await store.OpenReadAsync(created.Key, cancellationToken)
                ?? throw new ImageDecodeException("the original is missing from storage"))
                set = await thumbnailer.CreateThumbnailsAsync(raw.Content, (long)image.Width * image.Height, cancellationToken);

            await store.PutAsync(ObjectKeys.Preview(id), new MemoryStream(set.Preview.Bytes), "image/webp", cancellationToken);
            await store.PutAsync(ObjectKeys.Thumbnail(id), new MemoryStream(set.Thumbnail.Bytes), "image/webp", cancellationToken);
            if (!await catalog.CompleteThumbnailAsync(id, cancellationToken))
                await DeleteThumbnailsAsync(id); // the image was deleted while we worked
            ProcessingMetrics.Outcome(Work.Thumbnail, "done");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await catalog.AbandonAsync(id, Work.Thumbnail, CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            var reason = e is ImageDecodeException ? e.Message : $"thumbnail failed unexpectedly: {e.Message}";
            // A picture that cannot be decoded is expected now and then; only the unexpected gets a stack trace.
            if (e is ImageDecodeException) logger.LogWarning("Thumbnail of {Id} failed: {Reason}", id, reason);
            else logger.LogError(e, "Thumbnail of {Id} failed: {Reason}", id, reason);
            await catalog.FailAsync(id, Work.Thumbnail, reason, CancellationToken.None);
            ProcessingMetrics.Outcome(Work.Thumbnail, "failed");
        }
    }

    private async Task DeleteThumbnailsAsync(Images.ImageId id)
    {
        await store.DeleteAsync(ObjectKeys.Preview(id), CancellationToken.None);
        await store.DeleteAsync(ObjectKeys.Thumbnail(id), CancellationToken.None);
    }
}
