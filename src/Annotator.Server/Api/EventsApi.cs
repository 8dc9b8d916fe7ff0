using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace Annotator.Server.Api;

/// <summary>
/// <c>GET /api/events</c>: server-sent events of image changes from the <see cref="LiveFeed"/>. <c>image</c>
/// carries the image as <c>GET /api/images/{id}</c> shows it, <c>deleted</c> carries the id; a <c>ping</c>
/// every 20 s keeps proxies from closing an idle stream. When the server has as many streams open as it
/// takes, a newcomer gets a 503 with Retry-After (the browser's EventSource gives up on it; the pages retry).
/// </summary>
public static class EventsApi
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(20);

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", (LiveFeed feed, HttpContext context, CancellationToken cancellationToken) =>
            {
                if (feed.TryOpen() is not { } stream)
                {
                    context.Response.Headers.RetryAfter = "10";
                    return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Too many live streams",
                        "this server has as many live event streams open as it takes: try again shortly");
                }
                // Freed when the request ends, however it ends: even a stream never enumerated gives its place back.
                context.Response.RegisterForDispose(stream);
                return (IResult)TypedResults.ServerSentEvents(StreamAsync(stream.Reader, cancellationToken));
            })
            .WithTags("Images")
            .WithSummary("Live image changes as server-sent events (event types: image, deleted, ping)")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(
        System.Threading.Channels.ChannelReader<SseItem<string>> reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new SseItem<string>("{}", "ping") { ReconnectionInterval = TimeSpan.FromSeconds(3) };
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
                yield return new SseItem<string>("{}", "ping");
                continue;
            }
            while (reader.TryRead(out var item)) yield return item;
        }
    }
}
