using System.Globalization;
using System.Text;

namespace Annotator.Catalog.MySql;

/// <summary>
/// Words as search sees them, what SQLite's <c>unicode61 remove_diacritics 2</c> tokenizer makes: runs of letters
/// and digits, lowercased, accents removed. The catalog stores the words of each image's file name, caption and
/// tags in this form and searches for the words of a query in the same form, so neither the server's collation
/// nor its full-text parser decides what matches, and every character outside a word is only a separator.
/// </summary>
internal static class SearchWords
{
    public static IEnumerable<string> Of(string? text)
    {
        if (string.IsNullOrEmpty(text)) yield break;
        var word = new StringBuilder();
        foreach (var rune in WithoutAccents(text).EnumerateRunes().Append(new Rune(' ')))
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                word.Append(Rune.ToLowerInvariant(rune).ToString());
                continue;
            }
            if (word.Length > 0) yield return word.ToString();
            word.Clear();
        }
    }

    /// <summary>The words of all <paramref name="texts"/>, one space between each: the form the catalog indexes.</summary>
    public static string Text(params IEnumerable<string?> texts) => string.Join(' ', texts.SelectMany(Of));

    /// <summary>Decomposes, drops the combining marks, and composes what is left again (Hangul syllables stay whole).</summary>
    private static string WithoutAccents(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) kept.Append(c);
        return kept.ToString().Normalize(NormalizationForm.FormC);
    }
}
