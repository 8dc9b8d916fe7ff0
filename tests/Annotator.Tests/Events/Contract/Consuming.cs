using Annotator.Events;
using Annotator.Processing;

namespace Annotator.Tests.Events.Contract;

/// <summary>Functions running on a node until disposed; disposing stops them as the host does, and waits until they return.</summary>
public sealed class Consuming : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public Consuming(IEventBus bus, params IObjectCreatedHandler[] functions) =>
        _running = Task.WhenAll(functions.Select(f => Task.Run(() => bus.ConsumeAsync(f, _stop.Token))));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(Wait.Patience);
        _stop.Dispose();
    }
}
