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
    /// <summary>
    /// Put before every stored and searched word. InnoDB leaves out of its index the words shorter than
    /// <c>innodb_ft_min_token_size</c> (3 by default: "a", "on", "7") and its stopwords ("the", "about", "with" …:
    /// and then no prefix of them, such as "wit", finds them either). No stopword begins with this, and with it a
    /// one-letter word is three letters long. It works whatever the server's stopword settings, which a managed server
    /// may not let us change and which a rebuild of the table (OPTIMIZE TABLE) would apply again anyway.
    /// </summary>
    public const string Marker = "zz";

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

    /// <summary>The words of all <paramref name="texts"/>, each after the <see cref="Marker"/>, one space between: what the catalog indexes.</summary>
    public static string Stored(params IEnumerable<string?> texts) => string.Join(' ', texts.SelectMany(Of).Select(word => Marker + word));

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
