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

    /// <summary>
    /// A gallery page's query on every engine: <paramref name="where"/> (the engine's search and state conditions)
    /// narrowed as <see cref="Narrow"/> does and to ids before the cursor, newest first, one row more than the limit
    /// (<see cref="ImageRow.Page"/> tells a next page by it). The parameters it needs go to <paramref name="parameter"/>.
    /// </summary>
    public static string PageSql(ImageQuery query, List<string> where, Action<string, object?> parameter)
    {
        Narrow(query, where, parameter);
        if (query.Before is { } before)
        {
            where.Add("id < @before");
            parameter("before", before.ToString());
        }
        parameter("limit", query.Limit + 1);
        return $"SELECT {ImageRow.Columns} FROM images {Where(where)} ORDER BY id DESC LIMIT @limit";
    }

    /// <summary>How many images the query takes in all, cursor and limit aside (the review queue's "left").</summary>
    public static string CountSql(ImageQuery query, List<string> where, Action<string, object?> parameter)
    {
        Narrow(query, where, parameter);
        return $"SELECT count(*) FROM images {Where(where)}";
    }

    /// <summary>
    /// Adds the conditions every engine writes alike: review state, the prediction's provider and model, one uploader
    /// ("my uploads"), having near-duplicates.
    /// </summary>
    private static void Narrow(ImageQuery query, List<string> where, Action<string, object?> parameter)
    {
        if (query.Similar) where.Add(SimilarSql.HasNear);
        if (query.Review is { } review) where.Add(ReviewCondition(review));
        if (query.Provider is { } provider)
        {
            where.Add("caption_provider = @provider");
            parameter("provider", provider);
        }
        if (query.Model is { } model)
        {
            where.Add("caption_model = @model");
            parameter("model", model);
        }
        if (query.UploaderId is { } uploader)
        {
            where.Add("uploader_id = @uploader");
            parameter("uploader", uploader);
        }
    }

    /// <summary>The review states <paramref name="filter"/> takes, as one condition; none taken matches nothing.</summary>
    public static string ReviewCondition(ReviewFilter filter)
    {
        var any = new List<string>();
        if (filter.Unreviewed) any.Add("annotation_status IS NULL");
        if (filter.Statuses.Count > 0) any.Add($"annotation_status IN ({string.Join(", ", filter.Statuses.Order().Select(s => $"'{s.Name()}'"))})");
        return any.Count == 0 ? "1 = 0" : "(" + string.Join(" OR ", any) + ")";
    }

    /// <summary>The conditions, all of which must hold, as a WHERE clause; nothing when there are none.</summary>
    public static string Where(IReadOnlyCollection<string> conditions) => conditions.Count > 0 ? "WHERE " + string.Join(" AND ", conditions) : "";
}
