using System.Globalization;
using System.Text;

namespace Annotator.Catalog.Postgres;

/// <summary>
/// Words as the SQLite catalog's tokenizer (<c>unicode61 remove_diacritics 2</c>) sees them, so both engines find the
/// same images: runs of letters and digits, lowercased, accents removed. The catalog stores them space-separated
/// beside the text they come from; PostgreSQL's own parser then only ever meets plain words, never <c>IMG_0001.jpg</c>
/// (a file path to it) or <c>holiday-2024</c> (a hyphenated word). Done here, not with <c>unaccent</c>, which needs an
/// extension and is not immutable enough for a generated column.
/// </summary>
public static class SearchWords
{
    /// <summary>The words of <paramref name="texts"/>, separated by single spaces.</summary>
    public static string Of(params IEnumerable<string?> texts) => string.Join(' ', texts.SelectMany(Split));

    /// <summary>
    /// A <c>to_tsquery('simple', …)</c> query that needs every word typed as a word prefix (<c>dog:* &amp; bea:*</c>), or
    /// null when nothing was typed. Words hold only letters and digits, so no input can be read as tsquery syntax.
    /// </summary>
    public static string? Query(string? search) =>
        Split(search).Select(word => word + ":*").ToList() is { Count: > 0 } terms ? string.Join(" & ", terms) : null;

    private static IEnumerable<string> Split(string? text)
    {
        if (string.IsNullOrEmpty(text)) yield break;
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD).Append(' '))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue; // an accent, decomposed
            if (char.IsLetterOrDigit(c)) { word.Append(char.ToLowerInvariant(c)); continue; }
            if (word.Length > 0) yield return word.ToString();
            word.Clear();
        }
    }
}
