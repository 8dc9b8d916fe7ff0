namespace Annotator.Uploads;

/// <summary>
/// The uploaded file's name is display text only: it never becomes part of a path or a key.
/// Control characters go, and so do the bidirectional overrides and isolates, which make
/// "photo\u202Egpj.exe" show as "photoexe.jpg"; length is bounded; everything else (slashes,
/// angle brackets) is kept as typed and escaped wherever it is shown.
/// </summary>
public static class DisplayName
{
    public const int MaxLength = 255;

    public static string Clean(string? name)
    {
        var kept = new string((name ?? "").Where(c => !char.IsControl(c) && !IsDirectionControl(c)).ToArray()).Trim();
        if (kept.Length > MaxLength) kept = kept[..MaxLength];
        return kept.Length == 0 ? "unnamed" : kept;
    }

    // LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM, ALM.
    private static bool IsDirectionControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
