namespace Annotator.Exports;

public enum ExportState { Running, Done, Failed }

/// <summary>
/// An export's progress as every node reads it (<see cref="ExportJobs"/>): how many of <see cref="Total"/> images are
/// written, and once done the archive's size; <see cref="Heartbeat"/> moves while a node works on it, so a job whose
/// node died is told apart from one still running.
/// </summary>
public sealed record ExportJob(
    string Id, string Format, string? Search, string Review, int? MaxEdge, bool Metadata, IReadOnlyList<string> Splits,
    string? ById, string? ByName, DateTimeOffset CreatedAt, ExportState State, long Total, long Done, long Skipped,
    long? SizeBytes, string? Error, DateTimeOffset Heartbeat, DateTimeOffset? FinishedAt)
{
    /// <summary>A job not done whose node has not written for this long has lost its node.</summary>
    public static readonly TimeSpan Silence = TimeSpan.FromMinutes(1);

    /// <summary>The state to show at <paramref name="now"/>: a running job that went silent has failed.</summary>
    public ExportJob AsOf(DateTimeOffset now) => State == ExportState.Running && now - Heartbeat > Silence
        ? this with { State = ExportState.Failed, Error = "the server making it stopped before it was done; start the export again" }
        : this;

    /// <summary>When <see cref="ExportSweep"/> deletes the job (of one seen <see cref="AsOf"/> now): its retention after it ended; never while it runs.</summary>
    public DateTimeOffset? ExpiresAt(TimeSpan retention) => State == ExportState.Running ? null : (FinishedAt ?? Heartbeat) + retention;
}
