using Annotator.Captioning;

namespace Annotator.Catalog.Sql;

/// <summary>
/// One re-caption job as every SQL catalog reads it back: its <c>recaption_jobs</c> row with its images counted
/// (still there, done, failed), and its translation to <see cref="RecaptionJob"/>. Each engine counts in its own
/// dialect; what the counts mean is the same on all of them, so it is written once, here.
/// </summary>
public sealed class JobRow
{
    public string Id { get; set; } = "";
    public long CreatedAt { get; set; }
    public string? Provider { get; set; }
    public string? Model { get; set; }
    public string? Search { get; set; }
    public string? State { get; set; }
    public long Total { get; set; }
    public long Present { get; set; }
    public long Done { get; set; }
    public long Failed { get; set; }

    /// <summary>The job; images of it that are no longer <see cref="Present"/> were deleted meanwhile.</summary>
    public RecaptionJob ToJob() => new(
        Id, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
        Provider is null && Model is null ? null : new CaptionChoice(Provider, Model),
        Search, WorkStates.TryParse(State, out var s) ? s : null,
        (int)Total, (int)Done, (int)Failed, (int)(Total - Present));
}
