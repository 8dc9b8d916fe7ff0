using Annotator.Events;
using Annotator.Events.InProcess;
using Annotator.Processing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Events.Contract;

/// <summary>The contract on the in-process bus: a SQLite catalog's delivery queue and dead letters, shared by every node of a test.</summary>
public sealed class InProcessEventBusContract : EventBusContract
{
    private readonly TempCatalog _catalog = new();

    /// <summary>Deliveries are hidden this long when taken: longer than any wait here, so a hand-back that works only by expiry fails.</summary>
    private static readonly WorkOptions Work = new() { LeaseDuration = TimeSpan.FromMinutes(1) };

    protected override IDeadLetters DeadLetters => _catalog.DeadLetters;

    protected override Task<IEventBus> NodeAsync() => Task.FromResult<IEventBus>(new InProcessEventBus(
        _catalog.Deliveries, _catalog.DeadLetters, [.. Functions.Select(name => new TestFunction(name))], Options.Create(Work),
        Options.Create(Retries), NullLogger<InProcessEventBus>.Instance));

    public override async Task DisposeAsync() => await _catalog.DisposeAsync();
}
