using System.Globalization;
using System.Text.Json.Nodes;

namespace Annotator.Bench.Hostile;

/// <summary>How figures are written in the tables: invariant culture, the units RESULTS.md uses.</summary>
public static class Format
{
    private const int ReasonLength = 110;

    public static string Mb(long bytes) => (bytes / 1048576.0).ToString("N0", CultureInfo.InvariantCulture) + " MB";

    public static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    public static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>A final image in a few words: done with its size, or failed with each stage's reason.</summary>
    public static string Outcome(JsonObject image)
    {
        var state = (string?)image["state"];
        if (state == "done") return $"done ({image["width"]}×{image["height"]})";
        var reasons = new[] { ("thumbnail", image["thumbnail"]), ("caption", image["caption"]) }
            .Where(s => (string?)s.Item2?["error"] is { Length: > 0 })
            .Select(s => $"{s.Item1}: {Short((string)s.Item2!["error"]!)}");
        return $"{state}: {string.Join("; ", reasons)}";
    }

    /// <summary>One line, short enough for a table cell, with nothing that breaks a Markdown table.</summary>
    public static string Short(string? text)
    {
        var line = (text ?? "").ReplaceLineEndings(" ").Replace('|', '/');
        return line.Length <= ReasonLength ? line : line[..ReasonLength] + "…";
    }
}
