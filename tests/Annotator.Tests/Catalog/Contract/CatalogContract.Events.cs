using Annotator.Events;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>The event tables the catalog's database holds: the outbox, the in-process bus's queue, the dead letters.</summary>
public abstract partial class CatalogContract
{
    [ContractFact]
    public async Task The_outbox_reads_oldest_first_and_forgets_what_was_removed()
    {
        var first = await AddAsync("a.jpg");
        var second = await AddAsync("b.jpg");

        var entries = await Under.Outbox.ReadAsync(10, CancellationToken.None);
        Assert.Equal([$"raw/{first.Id}.jpg", $"raw/{second.Id}.jpg"], entries.Select(e => e.Event.Key));
        Assert.Single(await Under.Outbox.ReadAsync(1, CancellationToken.None));

        await Under.Outbox.RemoveAsync([entries[0].Id], CancellationToken.None);
        await Under.Outbox.RemoveAsync([entries[0].Id], CancellationToken.None); // again: not an error
        Assert.Equal([entries[1].Id], (await Under.Outbox.ReadAsync(10, CancellationToken.None)).Select(e => e.Id));
    }

    [ContractFact]
    public async Task A_taken_delivery_is_hidden_and_comes_back_when_not_settled()
    {
        var queue = Under.Deliveries;
        await queue.EnqueueAsync(["caption", "thumbnail"], [new ObjectCreated("raw/a.jpg"), new ObjectCreated("raw/b.jpg")], CancellationToken.None);

        var taken = await queue.TakeAsync("thumbnail", 10, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.Equal(["raw/a.jpg", "raw/b.jpg"], taken.Select(d => d.Event.Key));
        Assert.Empty(await queue.TakeAsync("thumbnail", 10, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(2, (await queue.TakeAsync("caption", 10, TimeSpan.FromMinutes(1), CancellationToken.None)).Count); // its own copies

        await queue.AcknowledgeAsync(taken[0].Id, CancellationToken.None);
        await Task.Delay(500); // the taker "died" without settling the second
        var back = Assert.Single(await queue.TakeAsync("thumbnail", 10, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(("raw/b.jpg", 0), (back.Event.Key, back.Attempts));
    }

    [ContractFact]
    public async Task A_deferred_delivery_returns_after_its_delay_with_its_attempts()
    {
        var queue = Under.Deliveries;
        await queue.EnqueueAsync(["thumbnail"], [new ObjectCreated("raw/a.jpg")], CancellationToken.None);
        var taken = Assert.Single(await queue.TakeAsync("thumbnail", 10, TimeSpan.FromMinutes(1), CancellationToken.None));

        await queue.DeferAsync(taken.Id, TimeSpan.FromMilliseconds(300), 2, CancellationToken.None);

        Assert.Empty(await queue.TakeAsync("thumbnail", 10, TimeSpan.FromMinutes(1), CancellationToken.None));
        await Task.Delay(500);
        Assert.Equal(2, Assert.Single(await queue.TakeAsync("thumbnail", 10, TimeSpan.FromMinutes(1), CancellationToken.None)).Attempts);
    }

    [ContractFact]
    public async Task Nodes_taking_at_once_never_take_the_same_delivery()
    {
        var events = Enumerable.Range(0, 60).Select(i => new ObjectCreated($"raw/{i}.jpg")).ToList();
        await Under.Deliveries.EnqueueAsync(["thumbnail"], events, CancellationToken.None);
        var nodes = Enumerable.Range(0, 4).Select(_ => Under.AnotherNode()).ToList();

        var taken = await Task.WhenAll(nodes.SelectMany(node => Enumerable.Range(0, 5).Select(_ => Task.Run(() =>
            node.Deliveries.TakeAsync("thumbnail", 4, TimeSpan.FromMinutes(1), CancellationToken.None)))));

        var keys = taken.SelectMany(t => t).Select(d => d.Event.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.True(keys.Count > 0);
        foreach (var node in nodes) await node.DisposeAsync();
    }

    [ContractFact]
    public async Task Dead_letters_are_listed_newest_first_by_key_and_taken_once()
    {
        var letters = Under.DeadLetters;
        await letters.AddAsync("thumbnail", new ObjectCreated("raw/a.jpg"), 5, "storage unreachable", CancellationToken.None);
        await letters.AddAsync("caption", new ObjectCreated("raw/b.jpg"), 5, "catalog unreachable", CancellationToken.None);

        var all = await letters.ListAsync(null, 10, CancellationToken.None);
        Assert.Equal(["raw/b.jpg", "raw/a.jpg"], all.Select(l => l.Event.Key));
        var a = Assert.Single(await letters.ListAsync("raw/a.jpg", 10, CancellationToken.None));
        Assert.Equal(("thumbnail", 5, "storage unreachable"), (a.Subscriber, a.Attempts, a.Reason));

        Assert.Equal(a, await letters.TakeAsync(a.Id, CancellationToken.None));
        Assert.Null(await letters.TakeAsync(a.Id, CancellationToken.None));
        Assert.Single(await letters.ListAsync(null, 10, CancellationToken.None));
    }
}
