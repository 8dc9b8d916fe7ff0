using Annotator.Catalog;
using Annotator.Events.InProcess;
using Annotator.Images;
using Annotator.Processing;
using Annotator.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Annotator.Tests.Processing;

/// <summary>Work whose event was lost is announced again once it has been quiet long enough, and only then.</summary>
public sealed class StalledWorkSweepTests : IAsyncDisposable
{
    private readonly TempCatalog _temp = new();

    public ValueTask DisposeAsync() => _temp.DisposeAsync();

    [Fact]
    public async Task Quiet_unclaimed_work_is_announced_again_to_every_function()
    {
        var lost = new ImageRecord
        {
            Id = ImageId.New(), FileName = "lost.jpg", Format = ImageFormat.Jpeg, Width = 1, Height = 1, SizeBytes = 1, CreatedAt = DateTimeOffset.UtcNow,
        };
        await _temp.Catalog.AddAsync(lost, ObjectKeys.Raw(lost.Id, lost.Format), null, CancellationToken.None);
        await _temp.Outbox.RemoveAsync([.. (await _temp.Outbox.ReadAsync(10, CancellationToken.None)).Select(e => e.Id)], CancellationToken.None); // the event is lost
        var bus = new InProcessEventBus(_temp.Deliveries, _temp.DeadLetters, [new Named("thumbnail"), new Named("caption")],
            Options.Create(new WorkOptions()), Options.Create(new Annotator.Events.EventsOptions()), NullLogger<InProcessEventBus>.Instance);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sweep = new StalledWorkSweep(_temp.Catalog, bus, clock, NullLogger<StalledWorkSweep>.Instance);

        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None)); // just uploaded: its event may be on its way
        clock.Advance(StalledWorkSweep.QuietFor + TimeSpan.FromMinutes(1));
        Assert.Equal(1, await sweep.SweepAsync(CancellationToken.None));

        foreach (var function in new[] { "thumbnail", "caption" })
            Assert.Equal(ObjectKeys.Raw(lost.Id, lost.Format),
                Assert.Single(await _temp.Deliveries.TakeAsync(function, 10, TimeSpan.FromMinutes(1), CancellationToken.None)).Event.Key);
    }

    private sealed class Named(string name) : IObjectCreatedHandler
    {
        public string Name => name;
        public int Concurrency => 1;
        public Task<HandlerResult> HandleAsync(Annotator.Events.ObjectCreated created, CancellationToken cancellationToken) => Task.FromResult(HandlerResult.Done);
    }
}
