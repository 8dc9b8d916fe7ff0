namespace Annotator.Exports;

/// <summary>The job's counts, written to the store at most once a second (and at the end): every node's progress bar reads them.</summary>
internal sealed class ExportProgress(ExportJob job, ExportJobs jobs, TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private ExportJob _job = job;
    private DateTimeOffset _saved = time.GetUtcNow();

    public Task WrittenAsync(CancellationToken cancellationToken)
    {
        _job = _job with { Done = _job.Done + 1 };
        return SaveSoonAsync(cancellationToken);
    }

    public Task SkipAsync(CancellationToken cancellationToken)
    {
        _job = _job with { Skipped = _job.Skipped + 1 };
        return SaveSoonAsync(cancellationToken);
    }

    /// <summary>Still working (the heartbeat every node reads), while no image is written yet.</summary>
    public Task BeatAsync(CancellationToken cancellationToken) => SaveSoonAsync(cancellationToken);

    private async Task SaveSoonAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _saved < Interval) return;
        _saved = now;
        await jobs.SaveAsync(_job = _job with { Heartbeat = now }, cancellationToken);
    }

    public async Task<ExportJob> FinishAsync(ExportState state, string? error, long? size, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _job = _job with { State = state, Error = error, SizeBytes = size, Heartbeat = now, FinishedAt = now };
        await jobs.SaveAsync(_job, cancellationToken);
        return _job;
    }
}
