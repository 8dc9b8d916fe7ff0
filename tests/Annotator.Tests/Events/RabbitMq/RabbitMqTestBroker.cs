using Annotator.Tests.Contract;
using Annotator.Events;
using Annotator.Events.RabbitMq;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Annotator.Tests.Events.RabbitMq;

/// <summary>
/// One test's share of the run's broker (<c>ANNOTATOR_TEST_RABBITMQ</c>): a prefix of its own, so tests and runs
/// never meet; nodes (a connection and a bus each) on it; and, when disposed, the nodes closed and the exchange and
/// queues deleted.
/// </summary>
public sealed class RabbitMqTestBroker : IAsyncDisposable
{
    private readonly List<RabbitMqConnection> _connections = [];
    private readonly List<RabbitMqEventBus> _buses = [];

    public RabbitMqTestBroker(IEnumerable<string> functions, EventsOptions events, int deliveryLimit = 10)
    {
        Events = events;
        Options = new RabbitMqOptions
        {
            Uri = TestServices.Need(TestServices.RabbitMq, "ANNOTATOR_TEST_RABBITMQ"),
            Prefix = "annotator-test-" + Guid.NewGuid().ToString("N")[..12],
            DeliveryLimit = deliveryLimit,
        };
        Topology = new RabbitMqTopology(Options.Prefix, functions, events.RetryDelays, deliveryLimit);
    }

    public EventsOptions Events { get; }

    public RabbitMqOptions Options { get; }

    public RabbitMqTopology Topology { get; }

    /// <summary>A node's connection, with the topology declared as at a node's start.</summary>
    public async Task<RabbitMqConnection> ConnectAsync()
    {
        var connection = await RabbitMqConnection.OpenAsync(Options, Topology, NullLogger.Instance, CancellationToken.None);
        lock (_connections) _connections.Add(connection);
        return connection;
    }

    public RabbitMqEventBus Bus(RabbitMqConnection connection, IDeadLetters deadLetters)
    {
        var bus = new RabbitMqEventBus(connection, Topology, deadLetters, Microsoft.Extensions.Options.Options.Create(Events), NullLogger<RabbitMqEventBus>.Instance);
        lock (_buses) _buses.Add(bus);
        return bus;
    }

    public async Task<RabbitMqEventBus> NodeAsync(IDeadLetters deadLetters) => Bus(await ConnectAsync(), deadLetters);

    /// <summary>Messages ready in a queue (not those delivered and unsettled).</summary>
    public async Task<uint> ReadyAsync(string queue)
    {
        await using var connection = await PlainConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return await channel.MessageCountAsync(queue);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var bus in _buses) await bus.DisposeAsync();
        foreach (var connection in _connections) await connection.DisposeAsync();
        await using var cleanup = await PlainConnectionAsync();
        await using var channel = await cleanup.CreateChannelAsync();
        foreach (var queue in Topology.Queues) await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        await channel.ExchangeDeleteAsync(Topology.Exchange, ifUnused: false);
    }

    /// <summary>A connection of the test's own, outside any node and without recovery.</summary>
    public Task<IConnection> PlainConnectionAsync() =>
        new ConnectionFactory { Uri = new Uri(Options.Uri), AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
}
