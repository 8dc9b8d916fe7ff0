using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Annotator.Events.RabbitMq;

/// <summary>
/// Publishes on one channel with publisher confirms and the mandatory flag: a publish returns once the broker has
/// the message in every queue it routes to (persistent: on disk), and throws when it was refused or routed nowhere.
/// A channel that closed, with its connection or for an error of its own (say, its exchange was deleted), is
/// replaced by a new one, declaring the topology again; while the connection is down that throws at once. The
/// client's own recovery of a channel is not relied on: its confirm tracking can be left waiting for confirms the
/// broker will never send after a restart (rabbitmq-dotnet-client#1930), and the client waits for a confirm without
/// end unless told otherwise, so a confirm that does not come within <see cref="ConfirmTimeout"/> is a failure too.
/// </summary>
internal sealed class ConfirmedPublisher(IConnection connection, RabbitMqTopology topology) : IAsyncDisposable
{
    /// <summary>Far longer than a confirm takes on a loaded broker (milliseconds), short enough that the outbox moves on.</summary>
    public static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _opening = new(1, 1);
    private IChannel? _channel;

    public async Task PublishAsync(string exchange, string routingKey, ObjectCreated @event, int failedAttempts, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(cancellationToken);
        using var confirmed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        confirmed.CancelAfter(ConfirmTimeout);
        try
        {
            await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, EventMessage.Properties(failedAttempts), EventMessage.Body(@event), confirmed.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await DiscardAsync(channel);
            throw new TimeoutException(
                $"RabbitMQ did not confirm {@event.Key} within {ConfirmTimeout.TotalSeconds:0} s (exchange '{exchange}', routing key '{routingKey}'); its channel is replaced");
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
            if (_channel is { IsOpen: true } current) return current;
            if (_channel is { } closed)
            {
                _channel = null;
                await DisposeQuietlyAsync(closed);
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

    /// <summary>Forgets a channel whose confirms cannot be trusted; publishes still waiting on it fail, and are made again.</summary>
    private async Task DiscardAsync(IChannel channel)
    {
        await _opening.WaitAsync(CancellationToken.None);
        try
        {
            if (ReferenceEquals(_channel, channel)) _channel = null;
        }
        finally
        {
            _opening.Release();
        }
        await DisposeQuietlyAsync(channel);
    }

    private static async Task DisposeQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // Closing a channel whose connection is gone, or that another publish closed first: nothing left to close.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel) await channel.DisposeAsync();
        _opening.Dispose();
    }
}
