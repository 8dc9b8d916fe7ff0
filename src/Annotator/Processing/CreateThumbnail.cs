using Annotator.Catalog;
using Annotator.Events;
using Annotator.Storage;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Processing;

/// <summary>
/// ObjectCreated(raw/…) → thumbnails/{id}.webp and thumbnails/{id}.preview.jpg (or .webp, <see cref="ThumbnailOptions.PreviewFormat"/>), and the perceptual hash of the pixels
/// decoded for them (which finds the image's near-duplicates); thumbnail state done or failed.
/// </summary>
public sealed class CreateThumbnail(
    IImageCatalog catalog, WorkLeases leases, WorkOutages outages, IObjectStore store, IThumbnailer thumbnailer, IOptions<ThumbnailOptions> options, ILogger<CreateThumbnail> logger)
    : IObjectCreatedHandler
{
    public string Name => "thumbnail";

    public int Concurrency { get; } = options.Value.Concurrency is > 0 and var n ? n : Environment.ProcessorCount;

    public async Task<HandlerResult> HandleAsync(ObjectCreated created, CancellationToken cancellationToken)
    {
        if (!ObjectKeys.TryParseRaw(created.Key, out var id, out _)) return HandlerResult.Done;
        var claim = await leases.ClaimAsync(id, Work.Thumbnail, cancellationToken);
        if (claim.Outcome == ClaimOutcome.Busy) return leases.Later(claim);
        if (claim.Image is not { } image) return HandlerResult.Done; // deleted, already done, or given up on

        using var timer = ProcessingTelemetry.Time(Work.Thumbnail, id);
        await using var held = leases.Hold(id, Work.Thumbnail, cancellationToken);
        try
        {
            ThumbnailSet set;
            await using (var raw = await store.OpenReadAsync(created.Key, held.Token)
                ?? throw new ImageDecodeException("the original is missing from storage"))
                set = await thumbnailer.CreateThumbnailsAsync(raw.Content, (long)image.Width * image.Height, held.Token);

            var format = options.Value.PreviewFormat;
            await store.PutAsync(ObjectKeys.Preview(id, format), new MemoryStream(set.Preview.Bytes), PreviewFormat.ContentType(format), held.Token);
            await store.PutAsync(ObjectKeys.Thumbnail(id), new MemoryStream(set.Thumbnail.Bytes), "image/webp", held.Token);
            if (await catalog.CompleteThumbnailAsync(id, leases.Owner, set.PerceptualHash, held.Token) == Completion.Deleted)
                await DeleteThumbnailsAsync(id); // the image was deleted while we worked
            ProcessingTelemetry.Outcome(Work.Thumbnail, "done");
        }
        catch (Exception) when (held.Lost) { } // another node has it now: its result counts
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await catalog.ReleaseAsync(id, Work.Thumbnail, leases.Owner, CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            if (e is not ImageDecodeException && await outages.WaitOutAsync(e, id, Work.Thumbnail) is { } later) return later;
            var reason = e is ImageDecodeException ? e.Message : $"thumbnail failed unexpectedly: {e.Message}";
            // A picture that cannot be decoded is expected now and then; only the unexpected gets a stack trace.
            if (e is ImageDecodeException) logger.LogWarning("Thumbnail of {Id} failed: {Reason}", id, reason);
            else logger.LogError(e, "Thumbnail of {Id} failed: {Reason}", id, reason);
            await catalog.FailThumbnailAsync(id, leases.Owner, reason, CancellationToken.None);
            ProcessingTelemetry.Outcome(Work.Thumbnail, "failed");
        }
        return HandlerResult.Done;
    }

    private async Task DeleteThumbnailsAsync(Images.ImageId id)
    {
        foreach (var preview in ObjectKeys.Previews(id)) await store.DeleteAsync(preview, CancellationToken.None);
        await store.DeleteAsync(ObjectKeys.Thumbnail(id), CancellationToken.None);
    }
}
