using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
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
/// Each event's id is the version of the newest change it reflects, and events go out in version order, so a
/// client that resumes after the last id it saw (<see cref="ReplayAsync"/>) misses nothing.
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
                var batch = new Coalesced();
                while (reader.TryRead(out var change)) batch.Add(change);
                if (Volatile.Read(ref _streams).Length == 0) continue; // nobody listens: read nothing
                foreach (var change in batch.InVersionOrder())
                {
                    try
                    {
                        Send(await EventOfAsync(change, stoppingToken));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // A busy or briefly unreachable catalog: this change is missed, the next ones are not.
                        logger.LogWarning(e, "The live feed could not read image {Id}", change.Id);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>Most changes a resuming stream is replayed; a client further behind reloads instead (a <c>reset</c> event).</summary>
    private const int MaxReplay = 10_000;

    /// <summary>
    /// The events a client that saw everything up to <paramref name="afterVersion"/> missed, read from the catalog's
    /// feed (any node's changes), or one <c>reset</c> when they are too many or were pruned. The last event's id says
    /// where the replay ended, so the live events at or below it can be skipped.
    /// </summary>
    public async IAsyncEnumerable<SseItem<string>> ReplayAsync(long afterVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var missed = new Coalesced();
        var cursor = afterVersion;
        while (true)
        {
            var changes = await catalog.ReadChangesAsync(cursor, 1000, cancellationToken);
            if (changes.Count == 0) break;
            if (cursor == afterVersion && changes[0].Version > afterVersion + 1 || missed.Count + changes.Count > MaxReplay)
            {
                yield return new SseItem<string>("{}", "reset") { EventId = (await catalog.LatestVersionAsync(cancellationToken)).ToString() };
                yield break;
            }
            foreach (var change in changes) missed.Add(change);
            cursor = changes[^1].Version;
        }
        foreach (var change in missed.InVersionOrder()) yield return await EventOfAsync(change, cancellationToken);
    }

    private async Task<SseItem<string>> EventOfAsync(ImageChange change, CancellationToken cancellationToken)
    {
        var image = change.Deleted ? null : await catalog.GetAsync(change.Id, cancellationToken);
        var item = image is null
            ? new SseItem<string>(JsonSerializer.Serialize(new { id = change.Id.ToString() }, json.Value.SerializerOptions), "deleted")
            : new SseItem<string>(JsonSerializer.Serialize(ImageDto.From(image), json.Value.SerializerOptions), "image");
        return item with { EventId = change.Version.ToString() };
    }

    /// <summary>Changes folded to one per image: its newest version, deleted if any change deleted it.</summary>
    private sealed class Coalesced
    {
        private readonly Dictionary<Images.ImageId, ImageChange> _byImage = [];

        public int Count => _byImage.Count;

        public void Add(ImageChange change) =>
            _byImage[change.Id] = change with { Deleted = change.Deleted || _byImage.GetValueOrDefault(change.Id).Deleted };

        public IEnumerable<ImageChange> InVersionOrder() => _byImage.Values.OrderBy(c => c.Version);
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
