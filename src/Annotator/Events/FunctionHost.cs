using Annotator.Processing;
using Microsoft.Extensions.Hosting;

namespace Annotator.Events;

/// <summary>Runs every function on the event bus, each on its own subscription, until the host stops.</summary>
public sealed class FunctionHost(IEventBus bus, IEnumerable<IObjectCreatedHandler> functions) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(functions.Select(function => Task.Run(() => bus.ConsumeAsync(function, stoppingToken), CancellationToken.None)));
}
