using Dapper;

namespace Annotator.Catalog.MySql;

/// <summary>
/// What a person types, as a condition on <c>images</c>: every word must begin a word of the file name, caption or
/// tags, or of an edited annotation's text or tags (as in SQLite's FTS5). A word the full-text index holds becomes a <c>+word*</c> term of one BOOLEAN MODE
/// match; one it cannot hold (longer than <c>innodb_ft_max_token_size</c>, or shorter than a server's raised
/// <c>innodb_ft_min_token_size</c>) is looked for with LIKE in the same stored words, a scan but the same answer.
/// Input is never query syntax: only letters and digits reach either, and only as parameters.
/// </summary>
internal static class FullTextSearch
{
    public static string? Condition(string? search, FullTextLimits limits, DynamicParameters parameters)
    {
        var tokens = SearchWords.Of(search).Distinct().Select(word => SearchWords.Marker + word).ToList();
        if (tokens.Count == 0) return null;
        var conditions = new List<string>();
        if (tokens.Where(limits.Indexes).Select(token => $"+{token}*").ToList() is { Count: > 0 } terms)
        {
            conditions.Add("MATCH (search_name, search_caption, search_annotation) AGAINST (@fullText IN BOOLEAN MODE)");
            parameters.Add("fullText", string.Join(' ', terms));
        }
        // A token holds no LIKE wildcard (% _ \ are not letters or digits); the space before it makes it a word's start.
        foreach (var (token, i) in tokens.Where(t => !limits.Indexes(t)).Select((t, i) => (t, i)))
        {
            conditions.Add($"CONCAT(' ', search_name, ' ', search_caption, ' ', coalesce(search_annotation, '')) LIKE @token{i}");
            parameters.Add($"token{i}", $"% {token}%");
        }
        return string.Join(" AND ", conditions);
    }
}
