using System.Collections.Concurrent;
using System.Diagnostics;
using Annotator.Events;
using Annotator.Testing;
using Annotator.Tests.Contract;
using Annotator.Tests.Events.Contract;

namespace Annotator.Tests.Events.RabbitMq;

/// <summary>
/// A full restart of the broker's node (<c>scripts/services down rabbitmq</c>, then <c>up</c>: the Erlang VM stops and
/// starts again, unlike <c>stop_app</c>) while a node publishes as the outbox relay does, batch after batch, with
/// publishes in flight when the broker goes. The node must publish again by itself once the broker is back (a publish
/// whose confirm was lost must not wait for it forever) and every event it published must reach every function.
/// </summary>
[RequiresRabbitMqCtl]
[Collection(BrokerRestartCollection.Name)]
public sealed class RabbitMqNodeRestartTests : IAsyncLifetime
{
    private static readonly EventsOptions Retries = new() { MaxAttempts = 3, RetryDelays = [TimeSpan.FromMilliseconds(100)] };
    private const int BatchSize = 64;

    private readonly RabbitMqTestBroker _broker = new(["thumbnail", "caption"], Retries);
    private readonly TempCatalog _catalog = new();
    private bool _down;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_down) await ServicesAsync("up"); // whatever happened, leave the broker running for the tests after this one
        await _broker.DisposeAsync();
        await _catalog.DisposeAsync();
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
