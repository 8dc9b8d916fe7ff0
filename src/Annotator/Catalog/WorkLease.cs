namespace Annotator.Catalog;

/// <summary>
/// Who claims work and for how long. A claim lasts <see cref="Duration"/> unless its owner renews it; a node
/// that dies stops renewing, its claims expire, and another node may take the work. The owner names one
/// process, so a process's own claims stay its own and a restarted process is a new owner.
/// </summary>
public sealed record WorkLease(string Owner, TimeSpan Duration);

/// <summary>What claiming one piece of work found.</summary>
public enum ClaimOutcome
{
    /// <summary>The work is this owner's until the lease ends.</summary>
    Claimed,
    /// <summary>Another owner holds an unexpired claim: try again later.</summary>
    Busy,
    /// <summary>Nothing to do: the image is gone, or the work is done or failed.</summary>
    Nothing,
}

/// <summary>The answer to a claim: the image when claimed, and until when another owner holds it when busy.</summary>
public sealed record WorkClaim(ClaimOutcome Outcome, ImageRecord? Image = null, DateTimeOffset? BusyUntil = null)
{
    public static readonly WorkClaim Nothing = new(ClaimOutcome.Nothing);
}

/// <summary>What finishing claimed work did.</summary>
public enum Completion
{
    /// <summary>The result is stored.</summary>
    Stored,
    /// <summary>The image was deleted meanwhile: whatever the work wrote belongs to nobody.</summary>
    Deleted,
    /// <summary>The result is not wanted: another owner took the work over, or a newer re-caption superseded it.</summary>
    Superseded,
}
