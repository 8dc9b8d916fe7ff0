using NetVips;

namespace Annotator.Thumbnails;

/// <summary>Turns libvips' multi-line error log into one line a person can read.</summary>
internal static class VipsErrors
{
    public static string Describe(VipsException e)
    {
        // libvips reports "unable to call X" first and the cause on later lines; the cause is what matters.
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("unable to call", StringComparison.Ordinal))
            .Select(line => line.Contains(": ") ? line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..] : line)
            .Distinct()
            .Take(2)
            .ToList();
        var cause = lines.Count == 0 ? "the decoder gave no reason" : string.Join("; ", lines);
        return $"the image could not be decoded: {cause}";
    }
}
