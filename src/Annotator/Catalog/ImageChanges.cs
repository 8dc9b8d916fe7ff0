using System.Threading.Channels;
using Annotator.Images;

namespace Annotator.Catalog;

/// <summary>A change to one image: its states moved, its caption arrived, or it was deleted.</summary>
public readonly record struct ImageChange(ImageId Id, bool Deleted);

/// <summary>
/// Fans catalog changes out to live listeners (server-sent events, cache invalidation).
/// A slow listener loses its oldest changes rather than holding memory or the writer.
/// </summary>
public sealed class ImageChanges
{
    private readonly Lock _gate = new();
    private ImmutableListeners _listeners = new([]);
    private long _version;

    /// <summary>Grows with every change; a cheap validator for cached lists.</summary>
    public long Version => Interlocked.Read(ref _version);

    public void Publish(ImageChange change)
    {
        Interlocked.Increment(ref _version);
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
