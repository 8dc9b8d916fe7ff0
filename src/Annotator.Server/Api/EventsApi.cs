using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Annotator.Catalog;
using Annotator.Server.Access;

namespace Annotator.Server.Api;

/// <summary>
/// <c>GET /api/events</c>: server-sent events of image changes from the <see cref="LiveFeed"/>. <c>image</c>
/// carries the image as <c>GET /api/images/{id}</c> shows it, <c>deleted</c> carries the id; a <c>ping</c>
/// every 20 s keeps proxies from closing an idle stream. When the server has as many streams open as it
/// takes, a newcomer gets a 503 with Retry-After (the browser's EventSource gives up on it; the pages retry).
/// Event ids are change-feed versions: a stream opened with <c>Last-Event-ID</c> (EventSource's reconnect) or
/// <c>?after=</c> first replays what was missed, on any node; <c>reset</c> says "too much was missed: reload".
/// The first <c>ping</c>'s id is the version the stream starts at. At every ping the caller's session or token is
/// checked again: a stream whose browser signed out (or was signed out by an admin) ends.
/// </summary>
public static class EventsApi
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(20);

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", (LiveFeed feed, ImageChanges changes, StillSignedIn signedIn, IHostApplicationLifetime lifetime, HttpContext context, long? after) =>
            {
                var resumeAfter = long.TryParse(context.Request.Headers["Last-Event-ID"], out var lastId) && lastId >= 0 ? lastId : after is >= 0 ? after : null;
                if (feed.TryOpen() is not { } stream)
                {
                    context.Response.Headers.RetryAfter = "10";
                    return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Too many live streams",
                        "this server has as many live event streams open as it takes: try again shortly");
                }
                // Freed when the request ends, however it ends: even a stream never enumerated gives its place back.
                context.Response.RegisterForDispose(stream);
                // A stream ends when its client goes or when this node stops: shutdown waits for no open page, and the
                // page's EventSource reconnects (through the load balancer, to another node) and resumes after its last id.
                var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
                context.Response.RegisterForDispose(ends);
                return (IResult)TypedResults.ServerSentEvents(StreamAsync(feed, stream.Reader, changes.Version, resumeAfter, () => signedIn.CheckAsync(context.User, ends.Token), ends.Token));
            })
            .RequireAuthorization(Rights.Read)
            .WithTags("Images")
            .WithSummary("Live image changes as server-sent events (event types: image, deleted, reset, ping); resumes after Last-Event-ID or ?after=")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(
        LiveFeed feed, System.Threading.Channels.ChannelReader<SseItem<string>> reader, long startVersion, long? resumeAfter,
        Func<Task<bool>> stillSignedIn, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The live channel is open already, so nothing falls between the replay and the live events: live events
        // the replay covered are skipped by their version.
        var covered = resumeAfter ?? startVersion;
        yield return new SseItem<string>("{}", "ping") { ReconnectionInterval = TimeSpan.FromSeconds(3), EventId = covered.ToString() };
        if (resumeAfter is { } after)
            await foreach (var item in feed.ReplayAsync(after, cancellationToken))
            {
                covered = Math.Max(covered, long.Parse(item.EventId!));
                yield return item;
            }
        var checkedAt = Environment.TickCount64;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Checked on a busy stream too, not only when it idles into a ping.
            if (Environment.TickCount64 - checkedAt > PingInterval.TotalMilliseconds)
            {
                if (!await stillSignedIn()) yield break;
                checkedAt = Environment.TickCount64;
            }
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
            while (reader.TryRead(out var item))
                if (long.Parse(item.EventId!) > covered) yield return item;
        }
    }
}
