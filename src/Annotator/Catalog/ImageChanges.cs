using System.Threading.Channels;

namespace Annotator.Catalog;

/// <summary>
/// Fans the change feed out to this process's live listeners (server-sent events, cache invalidation);
/// <see cref="ChangeFeed"/> fills it from the catalog, whichever node made the change.
/// A slow listener loses its oldest changes rather than holding memory or the reader.
/// </summary>
public sealed class ImageChanges
{
    private readonly Lock _gate = new();
    private ImmutableListeners _listeners = new([]);
    private long _version;

    /// <summary>The newest change's version seen here; a cheap validator for cached lists.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Where the feed starts on this node: changes before it are not published.</summary>
    public void Start(long version) => Interlocked.Exchange(ref _version, version);

    public void Publish(ImageChange change)
    {
        Interlocked.Exchange(ref _version, change.Version);
        foreach (var listener in _listeners.Items) listener.Writer.TryWrite(change);
    }

    public Subscription Subscribe(int capacity = 1024)
    {
        var channel = Channel.CreateBounded<ImageChange>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate) _listeners = new([.. _listeners.Items, channel]);
        return new Subscription(this, channel);
    }

    private void Remove(Channel<ImageChange> channel)
    {
        lock (_gate) _listeners = new([.. _listeners.Items.Where(c => c != channel)]);
    }

    private sealed record ImmutableListeners(Channel<ImageChange>[] Items);

    public sealed class Subscription(ImageChanges owner, Channel<ImageChange> channel) : IDisposable
    {
        public ChannelReader<ImageChange> Reader => channel.Reader;

        public void Dispose() => owner.Remove(channel);
    }
}
