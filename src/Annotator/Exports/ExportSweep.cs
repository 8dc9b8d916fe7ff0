using Annotator.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Exports;

/// <summary>
/// Deletes exports whose <see cref="ExportOptions.Retention"/> has passed since they ended (done, failed, or silent
/// since their node stopped), with all their objects, and objects under <c>exports/</c> that belong to no job and are
/// as old. Runs on every node, as exports are made on web nodes: what it deletes is decided by the shared store and
/// the clock alone, a running export is never touched, and a delete that two nodes make at once is the same delete.
/// </summary>
public sealed class ExportSweep(IObjectStore store, ExportJobs jobs, IOptions<ExportOptions> options, TimeProvider time, ILogger<ExportSweep> logger)
    : PeriodicSweep(time, logger)
{
    private static readonly TimeSpan LongestInterval = TimeSpan.FromHours(1);

    /// <summary>Half the retention, so an export outlives it by at most half again; at most an hour, at least a second.</summary>
    protected override TimeSpan Interval => TimeSpan.FromTicks(Math.Clamp(options.Value.Retention.Ticks / 2, TimeSpan.TicksPerSecond, LongestInterval.Ticks));

    protected override string Name => "export sweep";

    protected override void Report(int count) => Logger.LogInformation("Deleted {Count} exports older than {Retention}", count, options.Value.Retention);


    /// <summary>One sweep over <c>exports/</c>; returns how many exports (or leftovers of one) it deleted.</summary>
    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var cutoff = now - options.Value.Retention;
        var newest = new Dictionary<string, DateTimeOffset>(); // export id → its newest object's time
        await foreach (var info in store.ListAsync(ExportJobs.Prefix, cancellationToken))
        {
            var name = info.Key[ExportJobs.Prefix.Length..];
            if (name.Length < 32 || !ExportJobs.IsId(name[..32])) continue;
            var id = name[..32];
            newest[id] = newest.TryGetValue(id, out var seen) && seen > info.LastModified ? seen : info.LastModified;
        }
        var deleted = 0;
        foreach (var (id, modified) in newest)
        {
            var job = (await jobs.FindAsync(id, cancellationToken))?.AsOf(now);
            if (job is null ? modified >= cutoff : !(job.ExpiresAt(options.Value.Retention) < now)) continue;
            await jobs.DeleteAsync(id, cancellationToken);
            deleted++;
        }
        return deleted;
    }
}
