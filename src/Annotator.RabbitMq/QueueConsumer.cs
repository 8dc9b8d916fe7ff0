using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Annotator.Events.RabbitMq;

/// <summary>
/// Consumes one queue until stopped, with manual acknowledgements and a bounded prefetch: the broker hands this
/// node at most <c>prefetch</c> unsettled messages, and they run side by side; the rest stay for other nodes.
/// A channel that closes, with its connection (a broker restart, a network loss) or alone (its queue deleted, a
/// channel error), is replaced here by a new one, declaring the queue again first, as soon as the connection is back:
/// the client's own recovery of consumers is not relied on (it is turned off, <see cref="RabbitMqConnection"/>), so
/// a consumer never stays silent because recovering it failed. On stopping it cancels the consumer and waits until
/// every delivery in hand is settled or handed back, then closes.
/// </summary>
internal sealed class QueueConsumer(
    IConnection connection, string queue, ushort prefetch, Func<IChannel, CancellationToken, Task> declare,
    Func<IChannel, BasicDeliverEventArgs, Task> handle, ILogger logger)
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    /// <summary>Shared by successive channels, so that deliveries still running on a lost one count against the bound too.</summary>
    private readonly SemaphoreSlim _inHand = new(prefetch, prefetch);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ConsumeUntilLostAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // While the connection is down this fails every time; the connection logs the outage once.
                    if (connection.IsOpen) logger.LogWarning(e, "Could not consume {Queue}; trying again in {Interval}", queue, RetryInterval);
                    await Task.Delay(RetryInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task ConsumeUntilLostAsync(CancellationToken stoppingToken)
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: prefetch),
            stoppingToken);
        await declare(channel, stoppingToken);
        await channel.BasicQosAsync(0, prefetch, global: false, stoppingToken);

        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, delivery);
        // The broker cancelled the consumer (its queue was deleted); when stopping, this is the cancel's own answer.
        consumer.UnregisteredAsync += (_, _) => Lost(lost);
        channel.ChannelShutdownAsync += (_, _) => Lost(lost);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer, stoppingToken);

        await Task.WhenAny(lost.Task, Task.Delay(Timeout.Infinite, stoppingToken));
        if (!stoppingToken.IsCancellationRequested)
        {
            if (connection.IsOpen) logger.LogWarning("The consumer of {Queue} was stopped by the broker; consuming again", queue);
            else logger.LogInformation("The consumer of {Queue} stopped with the connection; consuming again once it is back", queue);
            return;
        }
        try
        {
            await channel.BasicCancelAsync(tag, noWait: false, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Could not cancel the consumer of {Queue}; closing its channel instead", queue);
        }
        // Every delivery in hand is settled or handed back before the channel closes (closing would return them anyway).
        for (var i = 0; i < prefetch; i++) await _inHand.WaitAsync(CancellationToken.None);
        _inHand.Release(prefetch);
    }

    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery)
    {
        try
        {
            await _inHand.WaitAsync(delivery.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            return; // its channel closed first, returning the message
        }
        try
        {
            await handle(channel, delivery);
        }
        catch (Exception e)
        {
            // The handler settles its own failures; this is one of settling itself: the channel is gone, and its messages went back with it.
            logger.LogWarning(e, "Could not settle a delivery from {Queue}; the broker delivers it again", queue);
        }
        finally
        {
            _inHand.Release();
        }
    }

    private static Task Lost(TaskCompletionSource lost)
    {
        lost.TrySetResult();
        return Task.CompletedTask;
    }
}
