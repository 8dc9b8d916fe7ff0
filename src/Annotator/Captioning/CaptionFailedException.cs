namespace Annotator.Captioning;

/// <summary>A caption that could not be made, with a reason a person can act on ("the API key was refused").</summary>
public sealed class CaptionFailedException(string reason, Exception? inner = null) : Exception(reason, inner);
