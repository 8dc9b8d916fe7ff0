using Annotator.Tests.Contract;
using System.Diagnostics;
using Annotator.Events;
using Annotator.Processing;
using Annotator.Tests.Events.Contract;

namespace Annotator.Tests.Events.RabbitMq;

/// <summary>
/// A broker restart (<c>rabbitmqctl stop_app</c>, <c>start_app</c>) while a node publishes and consumes: publishing
/// fails during the outage, the node reconnects by itself, and every event reaches every function.
/// </summary>
[RequiresRabbitMqCtl]
[Collection(BrokerRestartCollection.Name)]
public sealed class RabbitMqBrokerRestartTests : IAsyncLifetime
{
    private static readonly EventsOptions Retries = new() { MaxAttempts = 3, RetryDelays = [TimeSpan.FromMilliseconds(100)] };

    private readonly RabbitMqTestBroker _broker = new(["thumbnail", "caption"], Retries);
    private readonly TempCatalog _catalog = new();
    private readonly string _ctl = TestServices.Need(TestServices.RabbitMqCtl, "ANNOTATOR_TEST_RABBITMQCTL");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await RabbitMqCtlAsync("start_app"); // whatever happened, leave the broker running for the tests after this one
        await _broker.DisposeAsync();
        await _catalog.DisposeAsync();
    }

    [ContractFact]
    public async Task A_broker_restart_loses_nothing_and_the_node_carries_on_by_itself()
    {
        var bus = await _broker.NodeAsync(_catalog.DeadLetters);
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        var gate = open.Task;
        var thumbnails = new TestFunction("thumbnail", behaviour: async (_, cancellationToken) =>
        {
            await Volatile.Read(ref gate).WaitAsync(cancellationToken);
            return HandlerResult.Done;
        });
        var captions = new TestFunction("caption");
        ObjectCreated[] before = Keys(5), during = Keys(5), after = Keys(5);

        await using (var _ = new Consuming(bus, thumbnails, captions))
        {
            await bus.PublishAsync(before, CancellationToken.None);
            await Wait.Until(() => thumbnails.Calls.Count >= 5 && captions.Calls.Count >= 5, "the events before the restart");

            // Thumbnails stall, so that the restart finds deliveries in hand and events waiting in the queue.
            var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref gate, stalled.Task);
            await bus.PublishAsync(during, CancellationToken.None);
            await Wait.Until(() => captions.Calls.Count >= 10 && thumbnails.Calls.Count >= 5 + thumbnails.Concurrency, "deliveries in hand");

            await RabbitMqCtlAsync("stop_app");
            await Wait.For(async () => await FailsAsync(() => bus.CheckAsync(CancellationToken.None)), "the node to see the outage");
            Assert.NotNull(await FailsAsync(() => bus.PublishAsync(after, CancellationToken.None)));
            stalled.SetResult();

            await RabbitMqCtlAsync("start_app");
            // As the outbox relay does: try again until the broker takes them.
            await Wait.For(async () => await FailsAsync(() => bus.PublishAsync(after, CancellationToken.None)) is null ? "published" : null, "a publish to succeed");
            await bus.CheckAsync(CancellationToken.None);

            string[] all = [.. before.Concat(during).Concat(after).Select(e => e.Key)];
            await Wait.Until(() => all.All(thumbnails.Keys.Contains) && all.All(captions.Keys.Contains), "every event in every function after the restart");
        }

        Assert.Empty(await _catalog.DeadLetters.ListAsync(null, 10, CancellationToken.None));
    }

    private static ObjectCreated[] Keys(int count) => [.. Enumerable.Range(0, count).Select(_ => new ObjectCreated($"raw/{Guid.NewGuid():N}.jpg"))];

    /// <summary>The exception <paramref name="action"/> threw, or null when it succeeded.</summary>
    private static async Task<Exception?> FailsAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private async Task RabbitMqCtlAsync(string command)
    {
        using var ctl = Process.Start(new ProcessStartInfo(_ctl, command) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = ctl.StandardOutput.ReadToEndAsync();
        var errors = ctl.StandardError.ReadToEndAsync();
        await ctl.WaitForExitAsync(new CancellationTokenSource(Wait.Patience * 2).Token);
        Assert.True(ctl.ExitCode == 0, $"{_ctl} {command} exited with {ctl.ExitCode}: {await output}{await errors}");
    }
}
