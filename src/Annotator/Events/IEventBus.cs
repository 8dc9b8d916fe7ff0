using Annotator.Processing;

namespace Annotator.Events;

/// <summary>
/// The transport between the outbox and the functions: every subscribed function receives every event, at
/// least once, each at its own pace, through a <see cref="DeliveryRunner"/>: failed deliveries are retried with
/// growing delays and, after the last attempt, kept as dead letters (<see cref="IDeadLetters"/>).
/// </summary>
public interface IEventBus : IReachable
{
    /// <summary>Returns once the events are durable in the transport: the outbox may then forget them.</summary>
    Task PublishAsync(IReadOnlyList<ObjectCreated> events, CancellationToken cancellationToken);

    /// <summary>Delivers <paramref name="event"/> again to one function only (a dead letter's replay).</summary>
    Task RedeliverAsync(string subscriber, ObjectCreated @event, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="function"/> on its events until <paramref name="stoppingToken"/> fires, then returns
    /// when the deliveries in hand are finished or handed back.</summary>
    Task ConsumeAsync(IObjectCreatedHandler function, CancellationToken stoppingToken);
}
