namespace Annotator.Catalog;

/// <summary>Where one piece of work (thumbnail or caption) on one image stands.</summary>
public enum WorkState { Pending, Processing, Done, Failed }

/// <summary>The two independent functions an upload fires.</summary>
public enum Work { Thumbnail, Caption }

public static class WorkStates
{
    public static string Name(this WorkState state) => state switch
    {
        WorkState.Pending => "pending",
        WorkState.Processing => "processing",
        WorkState.Done => "done",
        WorkState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static bool TryParse(string? text, out WorkState state)
    {
        state = text switch
        {
            "pending" => WorkState.Pending,
            "processing" => WorkState.Processing,
            "done" => WorkState.Done,
            "failed" => WorkState.Failed,
            _ => (WorkState)(-1),
        };
        return state >= 0;
    }

    /// <summary>
    /// One state for an image. Done and failed are final: an image is failed only once nothing is still
    /// working on it, so "failed" is something a person can act on, never a moment in the middle.
    /// </summary>
    /// <summary>Every (thumbnail, caption) pair whose combined state is <paramref name="state"/>: how a catalog filters by it.</summary>
    public static IReadOnlyList<(WorkState Thumbnail, WorkState Caption)> PairsOf(WorkState state) =>
        [.. from thumbnail in Enum.GetValues<WorkState>() from caption in Enum.GetValues<WorkState>()
            where Combine(thumbnail, caption) == state select (thumbnail, caption)];

    public static WorkState Combine(WorkState thumbnail, WorkState caption) => (thumbnail, caption) switch
    {
        (WorkState.Pending, WorkState.Pending) => WorkState.Pending,
        _ when thumbnail is WorkState.Pending or WorkState.Processing || caption is WorkState.Pending or WorkState.Processing => WorkState.Processing,
        _ when thumbnail == WorkState.Failed || caption == WorkState.Failed => WorkState.Failed,
        _ => WorkState.Done,
    };
}
