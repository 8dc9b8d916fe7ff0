using System.Collections.Concurrent;
using Annotator.Catalog;
using Annotator.Events;
using Annotator.Events.InProcess;
using Annotator.Images;
using Annotator.Processing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Events;

/// <summary>The outbox relay and the in-process event bus on a real SQLite catalog: every function gets every event, retries, dead letters, shutdown.</summary>
public sealed class InProcessEventBusTests : IAsyncDisposable
{
    private readonly TempCatalog _temp = new();
    private static readonly EventsOptions QuickRetries = new() { MaxAttempts = 3, RetryDelays = [TimeSpan.FromMilliseconds(50)] };

    public ValueTask DisposeAsync() => _temp.DisposeAsync();

    private sealed class Recorder(string name, Func<ObjectCreated, int, bool>? fails = null, TimeSpan? takes = null) : IObjectCreatedHandler
    {
        private int _calls;
        public ConcurrentQueue<string> Seen { get; } = new();
        public string Name => name;
        public int Concurrency => 2;

        public async Task<HandlerResult> HandleAsync(ObjectCreated created, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            if (takes is { } time) await Task.Delay(time, cancellationToken);
            Seen.Enqueue(created.Key);
            return fails?.Invoke(created, call) == true ? throw new IOException("disk gone") : HandlerResult.Done;
        }
    }

    private InProcessEventBus Bus(IObjectCreatedHandler[] functions, EventsOptions? events = null) => new(
        _temp.Deliveries, _temp.DeadLetters, functions, Options.Create(new WorkOptions { LeaseDuration = TimeSpan.FromMinutes(1) }),
        Options.Create(events ?? QuickRetries), NullLogger<InProcessEventBus>.Instance);

    private async Task<string> AddAsync()
    {
        var id = ImageId.New();
        var key = $"raw/{id}.jpg";
        await _temp.Catalog.AddAsync(new ImageRecord
        {
            Id = id, FileName = "a.jpg", Format = ImageFormat.Jpeg, Width = 1, Height = 1, SizeBytes = 1, CreatedAt = DateTimeOffset.UtcNow,
        }, key, CancellationToken.None);
        return key;
    }

    /// <summary>Relays the outbox and runs the functions until <paramref name="done"/>, then stops them as the host does.</summary>
    private async Task RunUntilAsync(InProcessEventBus bus, IObjectCreatedHandler[] functions, Func<bool> done)
    {
        var relay = new OutboxRelay(_temp.Outbox, bus, new OutboxSignal(), NullLogger<OutboxRelay>.Instance);
        var host = new FunctionHost(bus, functions);
        await relay.StartAsync(CancellationToken.None);
        await host.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done() && DateTime.UtcNow < deadline) await Task.Delay(20);
        await host.StopAsync(CancellationToken.None);
        await relay.StopAsync(CancellationToken.None);
    }

    private async Task<int> WaitingAsync(string subscriber) =>
        (await _temp.Deliveries.TakeAsync(subscriber, 1000, TimeSpan.Zero, CancellationToken.None)).Count;

    [Fact]
    public async Task Every_function_gets_every_event_and_the_outbox_and_queues_empty()
    {
        var keys = new List<string>();
        for (var i = 0; i < 20; i++) keys.Add(await AddAsync());
        var thumbnails = new Recorder("thumbnail");
        var captions = new Recorder("caption");

        await RunUntilAsync(Bus([thumbnails, captions]), [thumbnails, captions], () => thumbnails.Seen.Count == 20 && captions.Seen.Count == 20);

        Assert.Equal(keys.Order(), thumbnails.Seen.Order());
        Assert.Equal(keys.Order(), captions.Seen.Order());
        Assert.Empty(await _temp.Outbox.ReadAsync(10, CancellationToken.None));
        Assert.Equal(0, await WaitingAsync("thumbnail") + await WaitingAsync("caption"));
    }

    [Fact]
    public async Task A_function_that_throws_is_retried_and_succeeds_without_a_dead_letter()
    {
        var key = await AddAsync();
        var flaky = new Recorder("thumbnail", (_, call) => call < 3);

        await RunUntilAsync(Bus([flaky]), [flaky], () => flaky.Seen.Count == 3);

        Assert.Equal([key, key, key], flaky.Seen);
        Assert.Empty(await _temp.DeadLetters.ListAsync(null, 10, CancellationToken.None));
        Assert.Equal(0, await WaitingAsync("thumbnail"));
    }

    [Fact]
    public async Task After_the_last_attempt_the_event_is_a_dead_letter_that_replays_to_that_function_only()
    {
        var key = await AddAsync();
        var broken = new Recorder("thumbnail", (_, _) => true);
        var captions = new Recorder("caption");
        var bus = Bus([broken, captions]);
        await RunUntilAsync(bus, [broken, captions], () => broken.Seen.Count == QuickRetries.MaxAttempts && captions.Seen.Count == 1);
        var letter = Assert.Single(await _temp.DeadLetters.ListAsync(key, 10, CancellationToken.None));
        Assert.Equal(("thumbnail", QuickRetries.MaxAttempts, "disk gone"), (letter.Subscriber, letter.Attempts, letter.Reason));

        await bus.RedeliverAsync(letter.Subscriber, letter.Event, CancellationToken.None);
        var healthy = new Recorder("thumbnail");
        var captionsAgain = new Recorder("caption");
        await RunUntilAsync(Bus([healthy, captionsAgain]), [healthy, captionsAgain], () => healthy.Seen.Count == 1);

        Assert.Equal([key], healthy.Seen);
        Assert.Empty(captionsAgain.Seen);
    }

    [Fact]
    public async Task Deliveries_in_hand_at_shutdown_are_handed_back_at_once_not_after_their_hiding()
    {
        for (var i = 0; i < 4; i++) await AddAsync();
        var slow = new Recorder("thumbnail", takes: TimeSpan.FromSeconds(30));

        await RunUntilAsync(Bus([slow]), [slow], () => WaitingAsync("thumbnail").Result == 0 && _temp.Outbox.ReadAsync(10, default).Result.Count == 0);

        Assert.Empty(slow.Seen); // stopped mid-work
        Assert.Equal(4, await WaitingAsync("thumbnail")); // due again now, though hidden for a minute when taken
    }

    /// <summary>Counts how many runs of one key overlap.</summary>
    private sealed class Slow(string name) : IObjectCreatedHandler
    {
        private int _inside;
        public int MostAtOnce, Runs;
        public string Name => name;
        public int Concurrency => 8;

        public async Task<HandlerResult> HandleAsync(ObjectCreated created, CancellationToken cancellationToken)
        {
            var inside = Interlocked.Increment(ref _inside);
            lock (this) MostAtOnce = Math.Max(MostAtOnce, inside);
            await Task.Delay(200, cancellationToken);
            Interlocked.Increment(ref Runs);
            Interlocked.Decrement(ref _inside);
            return HandlerResult.Done;
        }
    }

    [Fact]
    public async Task Deliveries_of_an_object_in_hand_never_run_beside_it_and_fold_into_one_more_run()
    {
        var key = await AddAsync();
        ImageId.TryParse(key[4..^4], out var id);
        var captions = new Slow("caption");
        var bus = Bus([captions]);
        var recaptioned = false;

        await RunUntilAsync(bus, [captions], () =>
        {
            if (!recaptioned && captions.MostAtOnce > 0)
            {
                // Twenty re-captions while the first caption runs: each writes one more ObjectCreated to the outbox.
                Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _temp.Catalog.RecaptionAsync(id, key, null, CancellationToken.None))).Wait();
                recaptioned = true;
            }
            return recaptioned && _temp.Outbox.ReadAsync(10, default).Result.Count == 0 && WaitingAsync("caption").Result == 0 && captions.MostAtOnce == 1 && Volatile.Read(ref captions.Runs) >= 2;
        });

        Assert.Equal(1, captions.MostAtOnce);
        Assert.InRange(captions.Runs, 2, 4); // the first, then one or a few for all twenty, never 21
    }
}
