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

    /// <summary>One state for an image: failed wins, then done when both are done, pending when neither started.</summary>
    public static WorkState Combine(WorkState thumbnail, WorkState caption) => (thumbnail, caption) switch
    {
        _ when thumbnail == WorkState.Failed || caption == WorkState.Failed => WorkState.Failed,
        (WorkState.Done, WorkState.Done) => WorkState.Done,
        (WorkState.Pending, WorkState.Pending) => WorkState.Pending,
        _ => WorkState.Processing,
    };
}
