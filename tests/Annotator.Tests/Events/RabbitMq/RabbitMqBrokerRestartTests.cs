using System.Collections.Concurrent;
using Annotator.Tests.Contract;
using System.Diagnostics;
using Annotator.Events;
using Annotator.Processing;
using Annotator.Testing;
using Annotator.Tests.Events.Contract;

namespace Annotator.Tests.Events.RabbitMq;

/// <summary>
/// A broker restart while a node publishes and consumes: publishing fails during the outage, the node reconnects by
/// itself, and every event reaches every function. Once as <c>rabbitmqctl stop_app</c> / <c>start_app</c>, and once
/// as a full restart of the broker's node (<c>scripts/services down rabbitmq</c>, then <c>up</c>: the Erlang VM stops
/// and starts again) while the node publishes as the outbox relay does, batch after batch, with publishes in flight
/// when the broker goes: it must publish again by itself once the broker is back (a publish whose confirm was lost
/// must not wait for it for ever).
/// </summary>
[RequiresRabbitMqCtl]
[Collection(BrokerRestartCollection.Name)]
public sealed class RabbitMqBrokerRestartTests : IAsyncLifetime
{
    private static readonly EventsOptions Retries = new() { MaxAttempts = 3, RetryDelays = [TimeSpan.FromMilliseconds(100)] };

    private readonly RabbitMqTestBroker _broker = new(["thumbnail", "caption"], Retries);
    private readonly TempCatalog _catalog = new();
    private readonly string _ctl = TestServices.Need(TestServices.RabbitMqCtl, "ANNOTATOR_TEST_RABBITMQCTL");
    private bool _down;

    /// <summary>The relay publishes this many events at a time in the full-restart test.</summary>
    private const int BatchSize = 64;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Whatever happened, leave the broker running for the tests after this one.
        if (_down) await ServicesAsync("up");
        await RabbitMqCtlAsync("start_app");
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

    [ContractFact]
    public async Task After_a_full_node_restart_publishing_and_consuming_resume_by_themselves()
    {
        var bus = await _broker.NodeAsync(_catalog.DeadLetters);
        var thumbnails = new TestFunction("thumbnail", concurrency: 8);
        var captions = new TestFunction("caption", concurrency: 8);
        var published = new ConcurrentBag<string>();
        var failures = 0;
        var afterRestart = 0;
        var restarted = false;
        using var stop = new CancellationTokenSource();

        await using (var _ = new Consuming(bus, thumbnails, captions))
        {
            // As the outbox relay does: publish a batch, and after a failure the same batch again until the broker takes it.
            var relay = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    ObjectCreated[] batch = [.. Enumerable.Range(0, BatchSize).Select(_ => new ObjectCreated($"raw/{Guid.NewGuid():N}.jpg"))];
                    while (true)
                    {
                        try
                        {
                            await bus.PublishAsync(batch, CancellationToken.None);
                            break;
                        }
                        catch (Exception)
                        {
                            Interlocked.Increment(ref failures);
                            await Task.Delay(100);
                        }
                    }
                    foreach (var e in batch) published.Add(e.Key);
                    if (Volatile.Read(ref restarted)) Interlocked.Increment(ref afterRestart);
                }
            });

            await Wait.Until(() => published.Count >= 10 * BatchSize, "batches published before the restart");
            await ServicesAsync("down");
            await Wait.For(async () => await FailsAsync(() => bus.CheckAsync(CancellationToken.None)), "the node to see the outage");
            await ServicesAsync("up");
            Volatile.Write(ref restarted, true);

            await Wait.Until(() => Volatile.Read(ref afterRestart) >= 10,
                "ten batches published after the restart (a publish that never returns stops the relay for good)");
            await stop.CancelAsync();
            await relay.WaitAsync(Wait.Patience);

            string[] all = [.. published];
            await Wait.Until(() => all.All(new HashSet<string>(thumbnails.Keys).Contains) && all.All(new HashSet<string>(captions.Keys).Contains),
                $"each of the {all.Length} published events in both functions after the restart");
            Assert.True(failures > 0, "no publish failed: the broker was not down while the node published");
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

    /// <summary><c>scripts/services down|up rabbitmq</c> on the run's services (<c>ANNOTATOR_SERVICES_DIR</c>, inherited).</summary>
    private async Task ServicesAsync(string command)
    {
        var start = new ProcessStartInfo("bash", ["scripts/services", command, "rabbitmq"])
        {
            WorkingDirectory = TestData.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var script = Process.Start(start)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var errors = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        Assert.True(script.ExitCode == 0, $"scripts/services {command} rabbitmq exited with {script.ExitCode}: {await output}{await errors}");
        _down = command == "down";
    }
}
