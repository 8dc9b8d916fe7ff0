using System.Globalization;
using System.Text.Json.Nodes;

namespace Annotator.Cli;

/// <summary>
/// <c>--split train=0.8,validation=0.1,test=0.1</c> as the API's <c>split</c> object, or null when it is not written
/// that way. Whether the fractions add up to 1 is the server's to say, so the rule lives in one place.
/// </summary>
public static class SplitArgument
{
    private static readonly string[] Names = ["train", "validation", "test"];

    public static JsonObject? Parse(string text)
    {
        var split = new JsonObject();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !Names.Contains(pair[0]) || split.ContainsKey(pair[0])
                || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction))
                return null;
            split[pair[0]] = fraction;
        }
        return split.Count > 0 ? split : null;
    }
}
