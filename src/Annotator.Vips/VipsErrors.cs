using NetVips;

namespace Annotator.Thumbnails;

/// <summary>Turns libvips' multi-line error log into one line a person can read.</summary>
internal static class VipsErrors
{
    public static string Describe(VipsException e)
    {
        // libvips reports "unable to call X" or "unable to copy to memory" first and the cause on later lines.
        // Its error buffer is process-wide and may still hold lines of earlier operations that recovered,
        // so the cause of this failure is in the last lines.
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("unable to ", StringComparison.Ordinal))
            .Select(line => line.Contains(": ") ? line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..] : line)
            .Distinct()
            .TakeLast(2)
            .ToList();
        var cause = lines.Count == 0 ? "the decoder gave no reason" : string.Join("; ", lines);
        return $"the image could not be decoded: {cause}";
    }
}
