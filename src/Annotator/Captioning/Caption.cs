namespace Annotator.Captioning;

/// <summary>A caption as stored: text, tags, who made it and what it cost.</summary>
public sealed record Caption
{
    public required string Text { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required string Provider { get; init; }
    public required string Model { get; init; }

    /// <summary>How long the call that produced this caption took (retries and pauses not included).</summary>
    public long? LatencyMs { get; init; }
    public int? InputTokens { get; init; }
    public int? OutputTokens { get; init; }

    /// <summary>Calls made to the provider for this caption, the successful one included.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>Set when a fallback made this caption: why the providers before it failed.</summary>
    public string? FallbackReason { get; init; }
}
