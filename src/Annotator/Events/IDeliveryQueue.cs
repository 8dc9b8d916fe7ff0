namespace Annotator.Events;

/// <summary>A delivery waiting in a <see cref="IDeliveryQueue"/>: its event, and how many times it was tried.</summary>
public sealed record QueuedDelivery(long Id, ObjectCreated Event, int Attempts);

/// <summary>
/// A durable queue per subscriber in the catalog's database, for the transport that has no broker
/// (in-process). Taking a delivery hides it for a while instead of removing it: one not settled by then, because
/// its process died, comes back by itself.
/// </summary>
public interface IDeliveryQueue
{
    Task EnqueueAsync(IReadOnlyList<string> subscribers, IReadOnlyList<ObjectCreated> events, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> due deliveries of <paramref name="subscriber"/>, oldest first, hidden for <paramref name="hideFor"/>.</summary>
    Task<IReadOnlyList<QueuedDelivery>> TakeAsync(string subscriber, int limit, TimeSpan hideFor, CancellationToken cancellationToken);

    Task AcknowledgeAsync(long id, CancellationToken cancellationToken);

    /// <summary>Makes a taken delivery due again after <paramref name="delay"/>, with its attempts so far.</summary>
    Task DeferAsync(long id, TimeSpan delay, int attempts, CancellationToken cancellationToken);

}
