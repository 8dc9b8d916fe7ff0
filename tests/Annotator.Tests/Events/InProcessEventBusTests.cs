using Annotator.Catalog;
using Annotator.Events;
using Annotator.Events.InProcess;
using Annotator.Images;
using Annotator.Processing;
using Annotator.Tests.Events.Contract;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Events;

/// <summary>
/// The outbox relay in front of the in-process bus, on a real SQLite catalog: uploads' outbox entries reach every
/// function and leave nothing behind. What every bus promises is in <see cref="EventBusContract"/>.
/// </summary>
public sealed class InProcessEventBusTests : IAsyncDisposable
{
    private readonly TempCatalog _temp = new();

    public ValueTask DisposeAsync() => _temp.DisposeAsync();

    private async Task<string> AddAsync()
    {
        var id = ImageId.New();
        var key = $"raw/{id}.jpg";
        await _temp.Catalog.AddAsync(new ImageRecord
        {
            Id = id, FileName = "a.jpg", Format = ImageFormat.Jpeg, Width = 1, Height = 1, SizeBytes = 1, CreatedAt = DateTimeOffset.UtcNow,
        }, key, null, CancellationToken.None);
        return key;
    }

    private async Task<int> WaitingAsync(string subscriber) =>
        (await _temp.Deliveries.TakeAsync(subscriber, 1000, TimeSpan.Zero, CancellationToken.None)).Count;

    [Fact]
    public async Task Every_outbox_entry_reaches_every_function_and_the_outbox_and_queues_empty()
    {
        var keys = new List<string>();
        for (var i = 0; i < 20; i++) keys.Add(await AddAsync());
        var thumbnails = new TestFunction("thumbnail");
        var captions = new TestFunction("caption");
        var bus = new InProcessEventBus(_temp.Deliveries, _temp.DeadLetters, [thumbnails, captions], Options.Create(new WorkOptions()),
            Options.Create(new EventsOptions()), NullLogger<InProcessEventBus>.Instance);
        var relay = new OutboxRelay(_temp.Outbox, bus, new OutboxSignal(), NullLogger<OutboxRelay>.Instance);

        await relay.StartAsync(CancellationToken.None);
        await using (var _ = new Consuming(bus, thumbnails, captions))
            await Wait.Until(() => thumbnails.Calls.Count >= 20 && captions.Calls.Count >= 20, "every event in both functions");
        await relay.StopAsync(CancellationToken.None);

        Assert.Equal(keys.Order(), thumbnails.Keys.Order());
        Assert.Equal(keys.Order(), captions.Keys.Order());
        Assert.Empty(await _temp.Outbox.ReadAsync(10, CancellationToken.None));
        Assert.Equal(0, await WaitingAsync("thumbnail") + await WaitingAsync("caption"));
    }
}
