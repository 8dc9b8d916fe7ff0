namespace Annotator.Uploads;

/// <summary>
/// The uploaded file's name is display text only: it never becomes part of a path or a key.
/// Control characters go, length is bounded; everything else (slashes, angle brackets) is kept as
/// typed and escaped wherever it is shown.
/// </summary>
public static class DisplayName
{
    public const int MaxLength = 255;

    public static string Clean(string? name)
    {
        var kept = new string((name ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (kept.Length > MaxLength) kept = kept[..MaxLength];
        return kept.Length == 0 ? "unnamed" : kept;
    }
}
