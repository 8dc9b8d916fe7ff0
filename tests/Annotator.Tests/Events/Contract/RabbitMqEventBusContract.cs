using Annotator.Events;
using Annotator.Tests.Events.RabbitMq;

namespace Annotator.Tests.Events.Contract;

/// <summary>
/// The contract on the run's RabbitMQ broker: a prefix of each test's own (queues and exchange deleted afterwards),
/// dead letters in a SQLite catalog as in the service. Each node is a connection of its own.
/// </summary>
[RequiresRabbitMq]
public sealed class RabbitMqEventBusContract : EventBusContract
{
    private readonly RabbitMqTestBroker _broker = new(Functions, Retries);
    private readonly TempCatalog _catalog = new();

    protected override IDeadLetters DeadLetters => _catalog.DeadLetters;

    protected override async Task<IEventBus> NodeAsync() => await _broker.NodeAsync(_catalog.DeadLetters);

    public override async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _catalog.DisposeAsync();
    }
}
