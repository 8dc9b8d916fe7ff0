using System.Diagnostics;
using Annotator.Captioning;
using Annotator.Catalog;
using Annotator.Events;
using Annotator.Storage;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Processing;

/// <summary>
/// ObjectCreated(raw/…) → a caption and tags, caption state done or failed. The captioner is the configured
/// chain, or the provider and model a pending re-caption asked for (<see cref="ImageRecord.RequestedCaptioner"/>).
/// </summary>
public sealed class CreateAnnotation(
    IImageCatalog catalog, WorkLeases leases, WorkOutages outages, IObjectStore store, IThumbnailer thumbnailer, Captioners captioners,
    IOptions<CaptionOptions> options, ILogger<CreateAnnotation> logger) : IObjectCreatedHandler
{
    private CaptionOptions Settings => options.Value;

    public string Name => "caption";

    /// <summary>Enough workers to keep the provider at its concurrency limit, so the provider, not this queue, sets the pace.</summary>
    public int Concurrency => Settings.Concurrency is > 0 and var n ? n : captioners.DefaultConcurrency;

    public async Task<HandlerResult> HandleAsync(ObjectCreated created, CancellationToken cancellationToken)
    {
        if (!ObjectKeys.TryParseRaw(created.Key, out var id, out _)) return HandlerResult.Done;
        var claim = await leases.ClaimAsync(id, Work.Caption, cancellationToken);
        if (claim.Outcome == ClaimOutcome.Busy) return leases.Later(claim);
        if (claim.Image is not { } image) return HandlerResult.Done;

        using var timer = ProcessingTelemetry.Time(Work.Caption, id);
        await using var held = leases.Hold(id, Work.Caption, cancellationToken);
        var provider = image.RequestedCaptioner?.Provider ?? captioners.DefaultProvider;
        try
        {
            var captioner = captioners.Create(image.RequestedCaptioner);
            CaptionRequest request;
            await using (var raw = await store.OpenReadAsync(created.Key, held.Token)
                ?? throw new ImageDecodeException("the original is missing from storage"))
                request = await DecodeAsync(raw.Content, image, captioner.Input, held.Token);

            var started = Stopwatch.GetTimestamp();
            var caption = await captioner.CaptionAsync(request, held.Token);
            caption = caption with { LatencyMs = caption.LatencyMs ?? (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds };
            if (await catalog.CompleteCaptionAsync(id, leases.Owner, image.CaptionGeneration, caption, held.Token) != Completion.Stored)
                logger.LogDebug("Caption of {Id} was superseded by a newer re-caption or the image was deleted", id);
            ProcessingTelemetry.Outcome(Work.Caption, "done");
            CaptionMetrics.Done(caption);
        }
        catch (Exception) when (held.Lost) { } // another node has it now: its result counts
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await catalog.ReleaseAsync(id, Work.Caption, leases.Owner, CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            if (e is not (CaptionFailedException or ImageDecodeException) && await outages.WaitOutAsync(e, id, Work.Caption) is { } later) return later;
            var (reason, kind) = e switch
            {
                CaptionFailedException f => (f.Message, f.Kind),
                ImageDecodeException => (e.Message, CaptionFailure.BadRequest),
                _ => ($"captioning failed unexpectedly: {e.Message}", CaptionFailure.Unexpected),
            };
            if (e is CaptionFailedException) logger.LogWarning("Caption of {Id} failed: {Reason}", id, reason);
            else logger.LogWarning(e, "Caption of {Id} failed: {Reason}", id, reason);
            await catalog.FailCaptionAsync(id, leases.Owner, image.CaptionGeneration, reason, CancellationToken.None);
            ProcessingTelemetry.Outcome(Work.Caption, "failed");
            CaptionMetrics.Failed(provider, kind);
        }
        return HandlerResult.Done;
    }

    /// <summary>One decode of the original, at the smallest scale the captioner can work from.</summary>
    private async Task<CaptionRequest> DecodeAsync(Stream original, ImageRecord image, CaptionInput input, CancellationToken cancellationToken)
    {
        var pixels = (long)image.Width * image.Height;
        if (input == CaptionInput.Pixels)
            return new CaptionRequest(ReadOnlyMemory<byte>.Empty, image.Width, image.Height, image.Facts, image.FileName)
            {
                Sample = await thumbnailer.CreateSampleAsync(original, pixels, cancellationToken),
            };
        var jpeg = await thumbnailer.CreateCaptionImageAsync(original, pixels, Settings.MaxEdge, cancellationToken);
        return new CaptionRequest(jpeg.Bytes, jpeg.Width, jpeg.Height, image.Facts, image.FileName);
    }
}
