using Annotator.Access;

namespace Annotator.Tests.Access.Contract;

/// <summary>The audit log: newest first, paged by a cursor, filtered by actor or target.</summary>
public abstract partial class AccessContract
{
    [ContractFact]
    public async Task The_audit_log_pages_newest_first_and_the_cursor_continues_without_gaps_or_repeats()
    {
        for (var i = 0; i < 7; i++) await Audit.AppendAsync(Entry($"image.upload.{i}", $"image-{i}"), CancellationToken.None);

        var seen = new List<AuditEntry>();
        long? cursor = null;
        while (true)
        {
            var page = await Audit.ListAsync(cursor, 3, null, null, CancellationToken.None);
            if (page.Count == 0) break;
            seen.AddRange(page);
            cursor = page[^1].Id;
        }

        Assert.Equal(Enumerable.Range(0, 7).Reverse().Select(i => $"image.upload.{i}"), seen.Select(e => e.Action));
        Assert.Equal(seen.Select(e => e.Id).OrderDescending(), seen.Select(e => e.Id));
    }

    [ContractFact]
    public async Task An_audit_entry_reads_back_whole()
    {
        var entry = new AuditEntry(0, Now, "actor-1", "Ada", "user.role", "user-2", "viewer → editor", "2001:db8::1");

        await Audit.AppendAsync(entry, CancellationToken.None);

        var read = Assert.Single(await AllAuditAsync());
        Assert.Equal(entry with { Id = read.Id }, read);
    }

    [ContractFact]
    public async Task The_audit_log_filters_by_actor_and_by_target_and_pages_within_them()
    {
        await Audit.AppendAsync(Entry("a", "image-1", "ada"), CancellationToken.None);
        await Audit.AppendAsync(Entry("b", "image-2", "bob"), CancellationToken.None);
        await Audit.AppendAsync(Entry("c", "image-1", "bob"), CancellationToken.None);
        await Audit.AppendAsync(Entry("d", "image-2", "ada"), CancellationToken.None);
        await Audit.AppendAsync(Entry("e", null, null), CancellationToken.None);

        Assert.Equal(["d", "a"], (await Audit.ListAsync(null, 10, "ada", null, CancellationToken.None)).Select(e => e.Action));
        Assert.Equal(["c", "a"], (await Audit.ListAsync(null, 10, null, "image-1", CancellationToken.None)).Select(e => e.Action));
        Assert.Equal(["c"], (await Audit.ListAsync(null, 10, "bob", "image-1", CancellationToken.None)).Select(e => e.Action));
        var firstOfBob = await Audit.ListAsync(null, 1, "bob", null, CancellationToken.None);
        Assert.Equal(["b"], (await Audit.ListAsync(firstOfBob[0].Id, 10, "bob", null, CancellationToken.None)).Select(e => e.Action));
        Assert.Equal(["e", "d"], (await Audit.ListAsync(null, 2, null, null, CancellationToken.None)).Select(e => e.Action));
    }
}
