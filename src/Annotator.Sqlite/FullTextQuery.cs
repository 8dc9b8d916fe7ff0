using System.Text;

namespace Annotator.Catalog.Sqlite;

/// <summary>
/// Turns what a person types into a safe FTS5 query: every word becomes a quoted prefix term, all must
/// match. Quoting means no input can be read as FTS5 syntax (NEAR, column filters, stray quotes).
/// </summary>
internal static class FullTextQuery
{
    public static string? From(string? search)
    {
        if (string.IsNullOrWhiteSpace(search)) return null;
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in search.Append(' '))
        {
            if (char.IsLetterOrDigit(c)) { word.Append(c); continue; }
            if (word.Length > 0) terms.Add($"\"{word}\"*");
            word.Clear();
        }
        return terms.Count == 0 ? null : string.Join(' ', terms);
    }
}
