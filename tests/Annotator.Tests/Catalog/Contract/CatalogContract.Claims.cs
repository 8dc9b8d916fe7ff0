using Annotator.Catalog;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>Claims on work: leases that expire, renewals, hand-backs, and attempts counted once per real attempt.</summary>
public abstract partial class CatalogContract
{
    private static readonly WorkLease Brief = new("node-c/3/cccc", TimeSpan.FromMilliseconds(300));

    [ContractFact]
    public async Task Work_claimed_by_one_node_is_busy_for_another_until_the_claim_expires()
    {
        var image = await AddAsync("a.jpg");
        var claimed = await ClaimAsync(image.Id, Work.Thumbnail, Brief);
        Assert.Equal(WorkState.Processing, claimed.Thumbnail.State);

        var busy = await Catalog.ClaimAsync(image.Id, Work.Thumbnail, NodeB, CancellationToken.None);
        Assert.Equal(ClaimOutcome.Busy, busy.Outcome);
        Assert.True(busy.BusyUntil > DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal(ClaimOutcome.Claimed, (await Catalog.ClaimAsync(image.Id, Work.Caption, NodeB, CancellationToken.None)).Outcome); // the other function's work is free

        await Task.Delay(Brief.Duration * 2); // the first node "died": it stopped renewing
        var taken = await ClaimAsync(image.Id, Work.Thumbnail, NodeB);

        Assert.Equal(2, taken.Thumbnail.Attempts); // the dead node's attempt counts
        Assert.False(await Catalog.RenewAsync(image.Id, Work.Thumbnail, Brief, CancellationToken.None));
        Assert.Equal(Completion.Superseded, await Catalog.CompleteThumbnailAsync(image.Id, Brief.Owner, null, CancellationToken.None));
        Assert.Equal(WorkState.Processing, (await Catalog.GetAsync(image.Id, CancellationToken.None))!.Thumbnail.State);
        Assert.Equal(Completion.Stored, await Catalog.CompleteThumbnailAsync(image.Id, NodeB.Owner, null, CancellationToken.None));
    }

    [ContractFact]
    public async Task A_renewed_claim_outlives_its_first_lease()
    {
        var image = await AddAsync("a.jpg");
        await ClaimAsync(image.Id, Work.Caption, Brief);

        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(Brief.Duration / 3);
            Assert.True(await Catalog.RenewAsync(image.Id, Work.Caption, Brief, CancellationToken.None));
        }

        Assert.Equal(ClaimOutcome.Busy, (await Catalog.ClaimAsync(image.Id, Work.Caption, NodeB, CancellationToken.None)).Outcome);
    }

    [ContractFact]
    public async Task Of_many_nodes_claiming_at_once_exactly_one_wins()
    {
        var image = await AddAsync("a.jpg");
        var nodes = Enumerable.Range(0, 5).Select(_ => Under.AnotherNode()).ToList();

        var claims = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            nodes[i % nodes.Count].Catalog.ClaimAsync(image.Id, Work.Thumbnail, new WorkLease($"node-{i}", TimeSpan.FromMinutes(1)), CancellationToken.None))));

        Assert.Single(claims, c => c.Outcome == ClaimOutcome.Claimed);
        Assert.All(claims.Where(c => c.Outcome != ClaimOutcome.Claimed), c => Assert.Equal(ClaimOutcome.Busy, c.Outcome));
        Assert.Equal(1, (await Catalog.GetAsync(image.Id, CancellationToken.None))!.Thumbnail.Attempts);
        foreach (var node in nodes) await node.DisposeAsync();
    }

    [ContractFact]
    public async Task Work_handed_back_at_shutdown_is_pending_again_and_the_attempt_is_not_counted()
    {
        var image = await AddAsync("a.jpg");
        await ClaimAsync(image.Id, Work.Thumbnail);

        await Catalog.ReleaseAsync(image.Id, Work.Thumbnail, NodeA.Owner, CancellationToken.None);

        var released = (await Catalog.GetAsync(image.Id, CancellationToken.None))!;
        Assert.Equal((WorkState.Pending, 0), (released.Thumbnail.State, released.Thumbnail.Attempts));
        Assert.Equal(1, (await ClaimAsync(image.Id, Work.Thumbnail, NodeB)).Thumbnail.Attempts);
    }

    [ContractFact]
    public async Task Work_that_keeps_dying_is_failed_after_the_attempt_limit()
    {
        var image = await AddAsync("poison.jpg");
        for (var i = 0; i < WorkAttempts.Max; i++)
        {
            await ClaimAsync(image.Id, Work.Thumbnail, Brief); // each "crashes": never completes, never renews
            await Task.Delay(Brief.Duration + TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(ClaimOutcome.Nothing, (await Catalog.ClaimAsync(image.Id, Work.Thumbnail, NodeB, CancellationToken.None)).Outcome);
        var status = (await Catalog.GetAsync(image.Id, CancellationToken.None))!.Thumbnail;
        Assert.Equal(WorkState.Failed, status.State);
        Assert.Equal(WorkAttempts.Exhausted, status.Error);
    }

    [ContractFact]
    public async Task Only_the_claim_holder_can_finish_the_work()
    {
        var image = await AddAsync("a.jpg");
        await ClaimAsync(image.Id, Work.Thumbnail);

        await Catalog.FailThumbnailAsync(image.Id, NodeB.Owner, "not mine to fail", CancellationToken.None);
        Assert.Equal(Completion.Superseded, await Catalog.CompleteThumbnailAsync(image.Id, NodeB.Owner, null, CancellationToken.None));

        Assert.Equal(WorkState.Processing, (await Catalog.GetAsync(image.Id, CancellationToken.None))!.Thumbnail.State);
        Assert.Equal(Completion.Stored, await Catalog.CompleteThumbnailAsync(image.Id, NodeA.Owner, null, CancellationToken.None));
    }

    [ContractFact]
    public async Task Stalled_work_is_unclaimed_or_expired_unfinished_work_that_has_not_changed_for_a_while()
    {
        var waiting = await AddAsync("waiting.jpg");
        var held = await AddAsync("held.jpg");
        await ClaimAsync(held.Id, Work.Thumbnail);
        await ClaimAsync(held.Id, Work.Caption);
        var finished = await AddAsync("finished.jpg");
        await ClaimAsync(finished.Id, Work.Thumbnail);
        await Catalog.CompleteThumbnailAsync(finished.Id, NodeA.Owner, null, CancellationToken.None);
        await CaptionAsync(finished.Id, CaptionOf("x"));
        var abandoned = await AddAsync("abandoned.jpg");
        await ClaimAsync(abandoned.Id, Work.Thumbnail, Brief);
        await ClaimAsync(abandoned.Id, Work.Caption, Brief);
        await Task.Delay(Brief.Duration * 2); // its node died

        var stalled = await Catalog.FindStalledAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10, CancellationToken.None);

        Assert.Equal([waiting.Id, abandoned.Id], stalled.Select(s => s.Id));
        Assert.All(stalled, s => Assert.Equal(Annotator.Images.ImageFormat.Jpeg, s.Format));
        Assert.Empty(await Catalog.FindStalledAsync(DateTimeOffset.UtcNow.AddMinutes(-10), 10, CancellationToken.None)); // all changed recently
        Assert.Single(await Catalog.FindStalledAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1, CancellationToken.None));
    }
}
