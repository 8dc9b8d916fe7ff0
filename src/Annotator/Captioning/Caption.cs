namespace Annotator.Captioning;

/// <summary>A caption as stored: text, tags, who made it and what it cost.</summary>
public sealed record Caption
{
    public required string Text { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required string Provider { get; init; }
    public required string Model { get; init; }
    public long? LatencyMs { get; init; }
    public int? InputTokens { get; init; }
    public int? OutputTokens { get; init; }
    public int Attempts { get; init; } = 1;
}
