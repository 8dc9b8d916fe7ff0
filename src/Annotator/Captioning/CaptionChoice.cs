namespace Annotator.Captioning;

/// <summary>
/// A captioner asked for by name, for a re-caption: a provider ("gemini"), optionally with a model other than
/// its configured one. Null fields mean the configured default.
/// </summary>
public sealed record CaptionChoice(string? Provider, string? Model)
{
    public bool IsDefault => Provider is null && Model is null;
}
