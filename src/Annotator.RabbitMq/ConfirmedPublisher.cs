using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Annotator.Events.RabbitMq;

/// <summary>
/// Publishes on one channel with publisher confirms and the mandatory flag: a publish returns once the broker has
/// the message in every queue it routes to (persistent: on disk), and throws when it was refused or routed nowhere.
/// While the connection is down it throws at once; the client recovers the channel with the connection. A channel
/// the broker closed for an error of its own (say, its exchange was deleted) is replaced, declaring the topology again.
/// </summary>
internal sealed class ConfirmedPublisher(IConnection connection, RabbitMqTopology topology) : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private IChannel? _channel;

    public async Task PublishAsync(string exchange, string routingKey, ObjectCreated @event, int failedAttempts, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(cancellationToken);
        try
        {
            await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, EventMessage.Properties(failedAttempts), EventMessage.Body(@event), cancellationToken);
        }
        catch (PublishReturnException e)
        {
            throw new InvalidOperationException(
                $"RabbitMQ routed {@event.Key} to no queue (exchange '{exchange}', routing key '{routingKey}': {e.ReplyText}); its queues are missing", e);
        }
        catch (PublishException e)
        {
            throw new InvalidOperationException($"RabbitMQ refused {@event.Key} (exchange '{exchange}', routing key '{routingKey}')", e);
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open) return open;
        await _opening.WaitAsync(cancellationToken);
        try
        {
            // Closed with its connection, the channel is kept: publishing on it throws until it recovers with the connection.
            if (_channel is { } current && !ClosedForItsOwnError(current)) return current;
            if (_channel is { } broken)
            {
                await broken.DisposeAsync();
                _channel = null;
            }
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            try
            {
                await topology.DeclareAsync(channel, cancellationToken);
            }
            catch
            {
                await channel.DisposeAsync();
                throw;
            }
            return _channel = channel;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>The broker closed this channel alone (a channel-level error, 403-406): no recovery will reopen it.</summary>
    private static bool ClosedForItsOwnError(IChannel channel) =>
        channel.CloseReason is { Initiator: ShutdownInitiator.Peer, ReplyCode: >= 403 and <= 406 };

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel) await channel.DisposeAsync();
        _opening.Dispose();
    }
}
