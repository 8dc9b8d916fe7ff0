using Annotator.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Annotator.Events.RabbitMq;

/// <summary>
/// The event bus on RabbitMQ (<see cref="RabbitMqTopology"/>): events are published with confirms to a fanout
/// exchange with a quorum queue per function, each function consumes its own queue at its own pace, and every
/// delivery runs through a <see cref="DeliveryRunner"/>. A retry is a copy in a retry queue that expires back into
/// the function's queue; a dead letter, and a message the broker gave up on because its deliveries kept dying,
/// go to <see cref="IDeadLetters"/> in the catalog, as on every transport.
/// </summary>
public sealed class RabbitMqEventBus(
    RabbitMqConnection connection, RabbitMqTopology topology, IDeadLetters deadLetters, IOptions<EventsOptions> options, ILogger<RabbitMqEventBus> logger)
    : IEventBus, IAsyncDisposable
{
    /// <summary>Before handing back a delivery that could not be settled: the catalog or broker is usually back by then.</summary>
    private static readonly TimeSpan SettlePause = TimeSpan.FromSeconds(1);

    private readonly ConfirmedPublisher _publisher = new(connection.Connection, topology);

    public async Task PublishAsync(IReadOnlyList<ObjectCreated> events, CancellationToken cancellationToken) =>
        await Task.WhenAll(events.Select(e => _publisher.PublishAsync(topology.Exchange, "", e, 0, cancellationToken)));

    /// <summary>Straight into the function's queue through the default exchange; an unknown function's queue routes nowhere and throws.</summary>
    public Task RedeliverAsync(string subscriber, ObjectCreated @event, CancellationToken cancellationToken) =>
        _publisher.PublishAsync("", topology.Queue(subscriber), @event, 0, cancellationToken);

    public Task CheckAsync(CancellationToken cancellationToken)
    {
        connection.Check();
        return Task.CompletedTask;
    }

    /// <summary>Consumes the function's queue, and its dead queue into <see cref="IDeadLetters"/>, until stopped.</summary>
    public Task ConsumeAsync(IObjectCreatedHandler function, CancellationToken stoppingToken)
    {
        var name = function.Name;
        if (!topology.Functions.Contains(name))
            throw new InvalidOperationException($"The RabbitMQ topology has no queue for the function '{name}' (it has {string.Join(", ", topology.Functions)})");
        var runner = new DeliveryRunner(function, options.Value, logger);
        Task Declare(IChannel channel, CancellationToken cancellationToken) => topology.DeclareAsync(channel, name, cancellationToken);
        var deliveries = new QueueConsumer(connection.Connection, topology.Queue(name), (ushort)Math.Clamp(function.Concurrency, 1, ushort.MaxValue), Declare,
            (channel, delivery) => RunAsync(runner, channel, delivery, stoppingToken), logger);
        var dead = new QueueConsumer(connection.Connection, topology.DeadQueue(name), 1, Declare,
            (channel, delivery) => KeepAsync(name, channel, delivery, stoppingToken), logger);
        return Task.WhenAll(deliveries.RunAsync(stoppingToken), dead.RunAsync(stoppingToken));
    }

    private async Task RunAsync(DeliveryRunner runner, IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var subscriber = runner.Function.Name;
        if (await ReadAsync(channel, delivery, topology.Queue(subscriber)) is not { } @event) return;
        // The delivery's own token fires when its channel closes (the connection was lost): the broker has taken the
        // message back, so the work stops here and runs again on its next delivery. The client waits for this handler
        // before it finishes closing, so it must not outlive the channel.
        using var held = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, delivery.CancellationToken);
        Verdict verdict;
        try
        {
            held.Token.ThrowIfCancellationRequested();
            verdict = await runner.RunAsync(@event, EventMessage.FailedAttempts(delivery.BasicProperties), held.Token);
        }
        catch (OperationCanceledException) when (held.IsCancellationRequested)
        {
            // Stopping, not failing: back to the queue at once, for another node or the next start.
            if (channel.IsOpen) await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true);
            return;
        }
        try
        {
            switch (verdict.Action)
            {
                case Settle.Retry:
                    // The copy must be in its retry queue before the original is acknowledged.
                    await _publisher.PublishAsync("", topology.RetryQueue(subscriber, verdict.Delay), @event, verdict.Attempts, CancellationToken.None);
                    break;
                case Settle.DeadLetter:
                    await deadLetters.AddAsync(subscriber, @event, verdict.Attempts, verdict.Reason ?? "", CancellationToken.None);
                    break;
            }
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        }
        catch (Exception e) when (channel.IsOpen)
        {
            logger.LogWarning(e, "Could not settle {Subscriber}'s delivery of {Key}; handing it back", subscriber, @event.Key);
            await HandBackAsync(channel, delivery, held.Token);
        }
    }

    /// <summary>A message the broker dead-lettered after <see cref="RabbitMqOptions.DeliveryLimit"/>: kept where every transport keeps them.</summary>
    private async Task KeepAsync(string subscriber, IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        if (await ReadAsync(channel, delivery, topology.DeadQueue(subscriber)) is not { } @event) return;
        // The broker dead-letters a message on the return after the limit's (it has no count of its own by then).
        var deliveries = topology.DeliveryLimit + 1;
        var reason = $"delivered {deliveries} times without being settled: the worker handling it stopped each time (crashed or killed)";
        try
        {
            await deadLetters.AddAsync(subscriber, @event, EventMessage.FailedAttempts(delivery.BasicProperties) + deliveries, reason, CancellationToken.None);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        }
        catch (Exception e) when (channel.IsOpen)
        {
            logger.LogWarning(e, "Could not keep {Subscriber}'s dead letter for {Key}; trying again", subscriber, @event.Key);
            using var held = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, delivery.CancellationToken);
            await HandBackAsync(channel, delivery, held.Token);
        }
    }

    /// <summary>The event, or null for a message that is none (not ours): acknowledged, since nothing can ever handle it.</summary>
    private async Task<ObjectCreated?> ReadAsync(IChannel channel, BasicDeliverEventArgs delivery, string queue)
    {
        if (EventMessage.Read(delivery.Body) is { } @event) return @event;
        logger.LogError("A message in {Queue} is not an ObjectCreated event ({Bytes} bytes of {Type}); it is dropped", queue, delivery.Body.Length, delivery.BasicProperties.ContentType);
        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        return null;
    }

    /// <summary>After a pause, cut short by stopping or by the channel's end (which returns the message by itself).</summary>
    private static async Task HandBackAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken held)
    {
        try
        {
            await Task.Delay(SettlePause, held);
        }
        catch (OperationCanceledException) { }
        if (channel.IsOpen) await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true);
    }

    public ValueTask DisposeAsync() => _publisher.DisposeAsync();
}
