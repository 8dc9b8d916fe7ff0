using System.Diagnostics;
using Annotator.Captioning;
using Annotator.Catalog;
using Annotator.Events;
using Annotator.Storage;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Processing;

/// <summary>ObjectCreated(raw/…) → a caption and tags from the configured <see cref="ICaptioner"/>, caption state done or failed.</summary>
public sealed class CreateAnnotation(
    IImageCatalog catalog, IObjectStore store, IThumbnailer thumbnailer, ICaptioner captioner,
    IOptions<CaptionOptions> options, ILogger<CreateAnnotation> logger) : IObjectCreatedHandler
{
    private readonly CaptionOptions _options = options.Value;

    public string Name => "caption";

    public int Concurrency { get; } = options.Value.Concurrency is > 0 and var n ? n : Environment.ProcessorCount;

    public async Task HandleAsync(ObjectCreated created, CancellationToken cancellationToken)
    {
        if (!ObjectKeys.TryParseRaw(created.Key, out var id, out _)) return;
        var image = await catalog.StartAsync(id, Work.Caption, cancellationToken);
        if (image is null) return;

        using var timer = ProcessingMetrics.Time(Work.Caption);
        try
        {
            EncodedImage small;
            await using (var raw = await store.OpenReadAsync(created.Key, cancellationToken)
                ?? throw new ImageDecodeException("the original is missing from storage"))
                small = await thumbnailer.CreateCaptionImageAsync(raw.Content, _options.MaxEdge, cancellationToken);

            var started = Stopwatch.GetTimestamp();
            var caption = await captioner.CaptionAsync(new CaptionRequest(small.Bytes, small.Width, small.Height, image.Facts, image.FileName), cancellationToken);
            caption = caption with { LatencyMs = caption.LatencyMs ?? (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds };
            await catalog.CompleteCaptionAsync(id, caption, cancellationToken);
            ProcessingMetrics.Outcome(Work.Caption, "done");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await catalog.AbandonAsync(id, Work.Caption, CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            var reason = e is ImageDecodeException or CaptionFailedException ? e.Message : $"captioning failed unexpectedly: {e.Message}";
            logger.LogWarning(e, "Caption of {Id} failed: {Reason}", id, reason);
            await catalog.FailAsync(id, Work.Caption, reason, CancellationToken.None);
            ProcessingMetrics.Outcome(Work.Caption, "failed");
        }
    }
}
