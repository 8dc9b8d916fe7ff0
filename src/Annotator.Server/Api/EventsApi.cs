using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Annotator.Catalog;

namespace Annotator.Server.Api;

/// <summary>
/// <c>GET /api/events</c>: server-sent events of image changes. <c>image</c> carries the image as
/// <c>GET /api/images/{id}</c> shows it, <c>deleted</c> carries the id; a comment-free <c>ping</c> every
/// 20 s keeps proxies from closing an idle stream. Bursts are coalesced: one event per image per read.
/// </summary>
public static class EventsApi
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(20);

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", (ImageChanges changes, IImageCatalog catalog, CancellationToken cancellationToken) =>
                TypedResults.ServerSentEvents(StreamAsync(changes, catalog, cancellationToken)))
            .WithTags("Images")
            .WithSummary("Live image changes as server-sent events (event types: image, deleted, ping)");
        return app;
    }

    private static async IAsyncEnumerable<SseItem<object>> StreamAsync(
        ImageChanges changes, IImageCatalog catalog, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = changes.Subscribe();
        var reader = subscription.Reader;
        yield return new SseItem<object>(new { }, "ping") { ReconnectionInterval = TimeSpan.FromSeconds(3) };
        while (!cancellationToken.IsCancellationRequested)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PingInterval);
            bool ready;
            try
            {
                ready = await reader.WaitToReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                ready = false;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            if (!ready)
            {
                yield return new SseItem<object>(new { }, "ping");
                continue;
            }

            var batch = new Dictionary<Images.ImageId, bool>();
            while (reader.TryRead(out var change)) batch[change.Id] = change.Deleted || batch.GetValueOrDefault(change.Id);
            foreach (var (id, deleted) in batch)
            {
                var image = deleted ? null : await catalog.GetAsync(id, cancellationToken);
                yield return image is null
                    ? new SseItem<object>(new { id = id.ToString() }, "deleted")
                    : new SseItem<object>(ImageDto.From(image), "image");
            }
        }
    }
}
