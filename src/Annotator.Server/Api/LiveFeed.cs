using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;
using Annotator.Catalog;
using Annotator.Server.Web;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Annotator.Server.Api;

/// <summary>
/// The live event streams' one reader of the catalog: each change is read and serialized once and the same
/// text goes to every open stream, so a thousand open pages cost one database read per change, not a
/// thousand. Streams are capped (<see cref="ServerOptions.MaxEventStreams"/>); a stream that cannot keep up
/// loses its oldest events, never the writer's time. Bursts are coalesced: one event per image per read.
/// </summary>
public sealed class LiveFeed(
    ImageChanges changes, IImageCatalog catalog, IOptions<JsonOptions> json, IOptions<ServerOptions> options, ILogger<LiveFeed> logger)
    : BackgroundService
{
    private const int StreamCapacity = 1024;
    private readonly Lock _gate = new();
    private Channel<SseItem<string>>[] _streams = [];

    /// <summary>A new stream's events, or null when <see cref="ServerOptions.MaxEventStreams"/> are open already.</summary>
    public Stream? TryOpen()
    {
        var channel = Channel.CreateBounded<SseItem<string>>(new BoundedChannelOptions(StreamCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            if (_streams.Length >= options.Value.MaxEventStreams) return null;
            _streams = [.. _streams, channel];
        }
        return new Stream(this, channel);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One subscriber for the whole process: room for a long burst (a re-caption of every image).
        using var subscription = changes.Subscribe(capacity: 1 << 16);
        var reader = subscription.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var batch = new Dictionary<Images.ImageId, bool>();
                while (reader.TryRead(out var change)) batch[change.Id] = change.Deleted || batch.GetValueOrDefault(change.Id);
                foreach (var (id, deleted) in batch)
                {
                    if (Volatile.Read(ref _streams).Length == 0) break; // nobody listens: read nothing
                    try
                    {
                        var image = deleted ? null : await catalog.GetAsync(id, stoppingToken);
                        Send(image is null
                            ? new SseItem<string>(JsonSerializer.Serialize(new { id = id.ToString() }, json.Value.SerializerOptions), "deleted")
                            : new SseItem<string>(JsonSerializer.Serialize(ImageDto.From(image), json.Value.SerializerOptions), "image"));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // A busy or briefly unreachable catalog: this change is missed, the next ones are not.
                        logger.LogWarning(e, "The live feed could not read image {Id}", id);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private void Send(SseItem<string> item)
    {
        foreach (var stream in Volatile.Read(ref _streams)) stream.Writer.TryWrite(item);
    }

    private void Close(Channel<SseItem<string>> channel)
    {
        lock (_gate) _streams = [.. _streams.Where(c => c != channel)];
    }

    /// <summary>One open stream: read its events, dispose it when the client goes.</summary>
    public sealed class Stream(LiveFeed feed, Channel<SseItem<string>> channel) : IDisposable
    {
        public ChannelReader<SseItem<string>> Reader => channel.Reader;

        public void Dispose() => feed.Close(channel);
    }
}
