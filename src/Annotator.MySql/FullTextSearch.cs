using Dapper;

namespace Annotator.Catalog.MySql;

/// <summary>
/// What a person types, as a condition on <c>images</c>: every word must begin a word of the file name, caption or
/// tags (as in SQLite's FTS5). Words the full-text index holds become <c>+word*</c> terms of one BOOLEAN MODE match;
/// a word it cannot hold (shorter than the server's minimum token size, e.g. "a", "on", "7") is looked for with LIKE
/// in the same stored words. Input is never query syntax: only letters and digits reach either, as parameters.
/// </summary>
internal static class FullTextSearch
{
    public static string? Condition(string? search, FullTextLimits limits, DynamicParameters parameters)
    {
        var words = SearchWords.Of(search).Distinct().ToList();
        if (words.Count == 0) return null;
        var conditions = new List<string>();
        if (words.Where(limits.Indexes).Select(word => $"+{word}*").ToList() is { Count: > 0 } terms)
        {
            conditions.Add("MATCH (search_name, search_caption) AGAINST (@fullText IN BOOLEAN MODE)");
            parameters.Add("fullText", string.Join(' ', terms));
        }
        // A word holds no LIKE wildcard (% _ \ are not letters or digits); the space before it makes it a word's start.
        foreach (var (word, i) in words.Where(w => !limits.Indexes(w)).Select((w, i) => (w, i)))
        {
            conditions.Add($"CONCAT(' ', search_name, ' ', search_caption) LIKE @word{i}");
            parameters.Add($"word{i}", $"% {word}%");
        }
        return string.Join(" AND ", conditions);
    }
}
