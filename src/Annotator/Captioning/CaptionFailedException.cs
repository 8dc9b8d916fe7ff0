namespace Annotator.Captioning;

/// <summary>A caption that could not be made, with a reason a person can act on ("the API key was refused").</summary>
public sealed class CaptionFailedException : Exception
{
    public CaptionFailedException(string reason, Exception? inner = null) : this(CaptionFailure.Unexpected, reason, inner) { }

    public CaptionFailedException(CaptionFailure kind, string reason, Exception? inner = null) : base(reason, inner) => Kind = kind;

    /// <summary>What kind of failure it was; the metrics count outcomes by it.</summary>
    public CaptionFailure Kind { get; }
}
