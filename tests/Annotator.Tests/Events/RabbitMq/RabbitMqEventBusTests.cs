using Annotator.Tests.Contract;
using Annotator.Events;
using Annotator.Processing;
using Annotator.Tests.Events.Contract;
using RabbitMQ.Client;

namespace Annotator.Tests.Events.RabbitMq;

/// <summary>What only the RabbitMQ bus has to get right: confirmed, routed publishes, and messages whose workers keep dying.</summary>
[RequiresRabbitMq]
public sealed class RabbitMqEventBusTests : IAsyncLifetime
{
    private const int DeliveryLimit = 2;
    private static readonly EventsOptions Retries = new() { MaxAttempts = 3, RetryDelays = [TimeSpan.FromMilliseconds(100)] };

    private readonly RabbitMqTestBroker _broker = new(["thumbnail", "caption"], Retries, DeliveryLimit);
    private readonly TempCatalog _catalog = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _catalog.DisposeAsync();
    }

    [ContractFact]
    public async Task A_publish_returns_once_every_function_queue_holds_the_events()
    {
        var bus = await _broker.NodeAsync(_catalog.DeadLetters);

        await bus.PublishAsync([new("raw/a.jpg"), new("raw/b.jpg"), new("raw/c.jpg")], CancellationToken.None);

        // No consumer runs: the confirmed messages wait in each queue.
        Assert.Equal(3u, await _broker.ReadyAsync(_broker.Topology.Queue("thumbnail")));
        Assert.Equal(3u, await _broker.ReadyAsync(_broker.Topology.Queue("caption")));
    }

    [ContractFact]
    public async Task An_event_that_no_queue_takes_is_refused_not_dropped()
    {
        // A topology without functions: the exchange is bound to no queue.
        await using var unbound = new RabbitMqTestBroker([], Retries);
        var bus = await unbound.NodeAsync(_catalog.DeadLetters);

        var publish = await Assert.ThrowsAsync<InvalidOperationException>(() => bus.PublishAsync([new("raw/a.jpg")], CancellationToken.None));
        var redeliver = await Assert.ThrowsAsync<InvalidOperationException>(() => bus.RedeliverAsync("thumbnail", new("raw/a.jpg"), CancellationToken.None));

        Assert.StartsWith($"RabbitMQ routed raw/a.jpg to no queue (exchange '{unbound.Topology.Exchange}', routing key '': NO_ROUTE)", publish.Message);
        Assert.Contains($"routing key '{unbound.Topology.Queue("thumbnail")}'", redeliver.Message);
        // The channel stays usable: a refused publish is the message's problem, not the connection's.
        await (await _broker.NodeAsync(_catalog.DeadLetters)).RedeliverAsync("thumbnail", new("raw/a.jpg"), CancellationToken.None);
        Assert.Equal(1u, await _broker.ReadyAsync(_broker.Topology.Queue("thumbnail")));
    }

    [ContractFact]
    public async Task An_exchange_deleted_under_a_node_is_declared_again_by_its_next_publish()
    {
        var bus = await _broker.NodeAsync(_catalog.DeadLetters);
        await bus.PublishAsync([new("raw/a.jpg")], CancellationToken.None);
        await using (var admin = await _broker.PlainConnectionAsync())
        await using (var channel = await admin.CreateChannelAsync())
            await channel.ExchangeDeleteAsync(_broker.Topology.Exchange, ifUnused: false);

        await Assert.ThrowsAnyAsync<Exception>(() => bus.PublishAsync([new("raw/b.jpg")], CancellationToken.None)); // the broker closes the channel: NOT_FOUND
        await bus.PublishAsync([new("raw/c.jpg")], CancellationToken.None);

        Assert.Equal(2u, await _broker.ReadyAsync(_broker.Topology.Queue("thumbnail")));
        Assert.Equal(2u, await _broker.ReadyAsync(_broker.Topology.Queue("caption")));
    }

    [ContractFact]
    public async Task A_delivery_whose_worker_dies_every_time_becomes_a_dead_letter_after_the_delivery_limit()
    {
        var poison = new ObjectCreated("raw/poison.jpg");
        await (await _broker.NodeAsync(_catalog.DeadLetters)).PublishAsync([poison], CancellationToken.None);

        for (var death = 1; death <= DeliveryLimit + 1; death++)
        {
            var connection = await _broker.ConnectAsync();
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var dying = new TestFunction("thumbnail", behaviour: async (_, cancellationToken) =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return HandlerResult.Done;
            });
            using var stop = new CancellationTokenSource();
            var consuming = _broker.Bus(connection, _catalog.DeadLetters).ConsumeAsync(dying, stop.Token);
            await started.Task.WaitAsync(Wait.Patience);

            await connection.Connection.AbortAsync(); // the node dies in the middle: nothing settled
            await stop.CancelAsync();
            await consuming.WaitAsync(Wait.Patience);
        }

        var healthy = new TestFunction("thumbnail");
        using var stopHealthy = new CancellationTokenSource();
        var running = (await _broker.NodeAsync(_catalog.DeadLetters)).ConsumeAsync(healthy, stopHealthy.Token);
        var letter = await Wait.For(async () => (await _catalog.DeadLetters.ListAsync(poison.Key, 10, CancellationToken.None)).SingleOrDefault(), "the dead letter");
        await stopHealthy.CancelAsync();
        await running.WaitAsync(Wait.Patience);

        Assert.Equal(("thumbnail", poison, DeliveryLimit + 1), (letter.Subscriber, letter.Event, letter.Attempts));
        Assert.Equal($"delivered {DeliveryLimit + 1} times without being settled: the worker handling it stopped each time (crashed or killed)", letter.Reason);
        Assert.Empty(healthy.Calls);
        Assert.Equal(0u, await _broker.ReadyAsync(_broker.Topology.DeadQueue("thumbnail")));
    }
}
