namespace Annotator.Catalog.Sql;

/// <summary>
/// The parts of the WHERE that listing and bulk re-captioning build alike on every SQL catalog; the search condition
/// is each engine's own. Written once, here, so the state filter is the domain's rule everywhere.
/// </summary>
public static class ImageFilter
{
    /// <summary>
    /// The <c>(thumb_state, caption_state)</c> pairs whose combined state is <paramref name="state"/>, as SQL row values
    /// (<c>('pending', 'done'), …</c>): the domain's rule (<see cref="WorkStates.Combine"/>) as the pairs it gives, not a
    /// copy of it in SQL.
    /// </summary>
    public static string StatePairs(WorkState state) =>
        string.Join(", ", WorkStates.PairsOf(state).Select(pair => $"('{pair.Thumbnail.Name()}', '{pair.Caption.Name()}')"));

    /// <summary>The conditions, all of which must hold, as a WHERE clause; nothing when there are none.</summary>
    public static string Where(IReadOnlyCollection<string> conditions) => conditions.Count > 0 ? "WHERE " + string.Join(" AND ", conditions) : "";
}
