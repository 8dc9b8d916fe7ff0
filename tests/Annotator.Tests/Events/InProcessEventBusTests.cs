using System.Collections.Concurrent;
using Annotator.Catalog;
using Annotator.Catalog.Sqlite;
using Annotator.Events;
using Annotator.Events.InProcess;
using Annotator.Images;
using Annotator.Processing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Events;

public sealed class InProcessEventBusTests : IDisposable
{
    private readonly TempCatalog _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed class Recorder(string name, Func<ObjectCreated, bool>? fails = null) : IObjectCreatedHandler
    {
        public ConcurrentQueue<string> Seen { get; } = new();
        public string Name => name;
        public int Concurrency => 2;

        public Task HandleAsync(ObjectCreated created, CancellationToken cancellationToken)
        {
            Seen.Enqueue(created.Key);
            return fails?.Invoke(created) == true ? throw new IOException("disk gone") : Task.CompletedTask;
        }
    }

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

    private async Task RunUntilAsync(IObjectCreatedHandler[] handlers, Func<bool> done)
    {
        using var bus = new InProcessEventBus(new SqliteOutbox(_temp.Database), _temp.Signal, handlers, NullLogger<InProcessEventBus>.Instance);
        await bus.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done() && DateTime.UtcNow < deadline) await Task.Delay(20);
        await bus.StopAsync(CancellationToken.None);
    }

    private bool OutboxEmpty() => OutboxCountAsync(1).Result + OutboxCountAsync(2).Result == 0;

    private async Task<int> OutboxCountAsync(int bit) => (await new SqliteOutbox(_temp.Database).ReadAsync(0, bit, 1000, CancellationToken.None)).Count;

    [Fact]
    public async Task Every_subscriber_gets_every_event_and_finished_entries_leave_the_outbox()
    {
        var keys = new List<string>();
        for (var i = 0; i < 20; i++) keys.Add(await AddAsync());
        var thumbnails = new Recorder("thumbnail");
        var captions = new Recorder("caption");

        await RunUntilAsync([thumbnails, captions], () => thumbnails.Seen.Count == 20 && captions.Seen.Count == 20 && OutboxEmpty());

        Assert.Equal(keys.Order(), thumbnails.Seen.Order());
        Assert.Equal(keys.Order(), captions.Seen.Order());
        Assert.Equal(0, await OutboxCountAsync(1) + await OutboxCountAsync(2));
    }

    [Fact]
    public async Task An_event_added_while_running_is_delivered_at_once()
    {
        var thumbnails = new Recorder("thumbnail");
        using var bus = new InProcessEventBus(new SqliteOutbox(_temp.Database), _temp.Signal, [thumbnails], NullLogger<InProcessEventBus>.Instance);
        await bus.StartAsync(CancellationToken.None);
        await Task.Delay(100);

        var key = await AddAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (thumbnails.Seen.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(10);
        await bus.StopAsync(CancellationToken.None);

        Assert.Equal([key], thumbnails.Seen);
    }

    [Fact]
    public async Task What_a_subscriber_could_not_finish_is_delivered_again_after_a_restart()
    {
        var key = await AddAsync();
        var failing = new Recorder("thumbnail", _ => true);
        // Until the thumbnail subscriber has failed and the caption subscriber has finished ("caption": bit 1).
        await RunUntilAsync([failing, new Recorder("caption")], () => !failing.Seen.IsEmpty && OutboxCountAsync(1).Result == 0);
        Assert.Equal(1, await OutboxCountAsync(2)); // "thumbnail" sorts second: bit 2

        var healthy = new Recorder("thumbnail");
        var captions = new Recorder("caption");
        await RunUntilAsync([healthy, captions], () => !healthy.Seen.IsEmpty && OutboxEmpty());

        Assert.Equal([key], healthy.Seen);
        Assert.Empty(captions.Seen); // the caption subscriber had finished it already
        Assert.Equal(0, await OutboxCountAsync(1) + await OutboxCountAsync(2));
    }

    /// <summary>Counts how many runs of one key overlap.</summary>
    private sealed class Slow(string name) : IObjectCreatedHandler
    {
        private int _inside;
        public int MostAtOnce, Runs;
        public string Name => name;
        public int Concurrency => 8;

        public async Task HandleAsync(ObjectCreated created, CancellationToken cancellationToken)
        {
            var inside = Interlocked.Increment(ref _inside);
            lock (this) MostAtOnce = Math.Max(MostAtOnce, inside);
            await Task.Delay(200, cancellationToken);
            Interlocked.Increment(ref Runs);
            Interlocked.Decrement(ref _inside);
        }
    }

    [Fact]
    public async Task Deliveries_of_an_object_in_hand_never_run_beside_it_and_fold_into_one_more_run()
    {
        var key = await AddAsync();
        ImageId.TryParse(key[4..^4], out var id);
        var captions = new Slow("caption");
        using var bus = new InProcessEventBus(new SqliteOutbox(_temp.Database), _temp.Signal, [captions], NullLogger<InProcessEventBus>.Instance);
        await bus.StartAsync(CancellationToken.None);
        while (Volatile.Read(ref captions.Runs) == 0 && captions.MostAtOnce == 0) await Task.Delay(5);

        // Twenty re-captions while the first caption runs: each writes one more ObjectCreated to the outbox.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _temp.Catalog.RecaptionAsync(id, key, null, CancellationToken.None)));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!OutboxEmpty() && DateTime.UtcNow < deadline) await Task.Delay(20);
        await bus.StopAsync(CancellationToken.None);

        Assert.Equal(1, captions.MostAtOnce);
        Assert.InRange(captions.Runs, 2, 4); // the first, then one or a few for all twenty, never 21
        Assert.True(OutboxEmpty());
    }
}
