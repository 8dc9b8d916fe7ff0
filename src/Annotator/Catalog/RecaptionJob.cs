using Annotator.Captioning;

namespace Annotator.Catalog;

/// <summary>
/// A bulk re-caption and its progress: of <see cref="Total"/> images, how many have their new caption
/// (<see cref="Done"/>), failed, are still waiting or working (<see cref="Pending"/>), or were deleted meanwhile.
/// </summary>
public sealed record RecaptionJob(
    string Id, DateTimeOffset CreatedAt, CaptionChoice? Choice, string? Search, WorkState? State,
    int Total, int Done, int Failed, int Deleted)
{
    /// <summary>How long a job's progress is kept: it is only interesting while the job runs.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public int Pending => Math.Max(0, Total - Done - Failed - Deleted);

    public bool Finished => Pending == 0;
}
