namespace Annotator.Catalog.Sql;

/// <summary>
/// What a review writes on an <c>images</c> row, the same SQL on SQLite, MariaDB/MySQL and PostgreSQL. An acceptance
/// copies the prediction in the same statement, so what is accepted is the caption the row holds at that moment, and
/// an image without one matches nothing. Parameters: <c>@id</c> (or <c>@ids</c>), <c>@byId</c>, <c>@byName</c>,
/// <c>@now</c>, and <c>@text</c>, <c>@tags</c> (JSON, or null for the prediction's), <c>@reason</c>.
/// </summary>
public static class ReviewSql
{
    private const string Who = "annotation_by_id = @byId, annotation_by_name = @byName, annotation_at = @now";

    public const string Accept = $"""
        annotation_status = 'accepted', annotation_text = caption_text, annotation_tags = caption_tags, annotation_reason = NULL, {Who}
        """;

    public const string Edit = $"""
        annotation_status = 'edited', annotation_text = @text, annotation_tags = coalesce(@tags, caption_tags, '[]'), annotation_reason = NULL, {Who}
        """;

    public const string Reject = $"""
        annotation_status = 'rejected', annotation_text = NULL, annotation_tags = NULL, annotation_reason = @reason, {Who}
        """;

    /// <summary>The one-image UPDATE of <paramref name="review"/>; an engine that stores search words adds its own SET (<paramref name="more"/>).</summary>
    public static string Update(Review review, string more = "") => review.Status switch
    {
        ReviewStatus.Accepted => $"UPDATE images SET {Accept}{more} WHERE id = @id AND caption_text IS NOT NULL",
        ReviewStatus.Edited => $"UPDATE images SET {Edit}{more} WHERE id = @id",
        ReviewStatus.Rejected => $"UPDATE images SET {Reject}{more} WHERE id = @id",
        _ => throw new ArgumentOutOfRangeException(nameof(review)),
    };

    /// <summary>
    /// What search should find of a review beyond the prediction: an edit's text and tags (when it gives no tags it
    /// keeps the prediction's, whose words search has already). An acceptance copies the prediction; a rejection has none.
    /// </summary>
    public static IEnumerable<string?> SearchedTexts(Review review) =>
        review.Status == ReviewStatus.Edited ? [review.Text, .. review.Tags ?? []] : [];

    /// <summary>The parameters of <see cref="Update"/> for one image.</summary>
    public static object Values(string id, Review review, long now) => new
    {
        id, byId = review.By.Id, byName = review.By.Name, now, text = review.Text,
        tags = review.Tags is null ? null : ImageRow.TagsJson(review.Tags), reason = review.Reason,
    };

    /// <summary>
    /// Which of a selection a bulk acceptance takes: those with a prediction that nobody has reviewed yet. A person's
    /// edit or rejection is never overwritten by a bulk action.
    /// </summary>
    public const string Acceptable = "caption_text IS NOT NULL AND annotation_status IS NULL";
}
