namespace Annotator.Catalog.Sql;

/// <summary>
/// What a retry and a re-caption reset on an <c>images</c> row: domain rules, in SQL that SQLite, MariaDB/MySQL and
/// PostgreSQL read alike, so each is written once, here, rather than once per engine.
/// </summary>
public static class ResetSql
{
    /// <summary>
    /// A retry of one image (<c>@id</c>): its failed work back to pending with no attempts spent; work not failed stays as
    /// it is, and an image with nothing failed is not touched. MySQL assigns left to right and a later assignment sees the
    /// earlier ones' new values, so attempts go before states; SQLite and PostgreSQL read every old value first, so the order
    /// means the same there.
    /// </summary>
    public const string Retry = """
        UPDATE images SET
            thumb_attempts = CASE thumb_state WHEN 'failed' THEN 0 ELSE thumb_attempts END,
            thumb_state = CASE thumb_state WHEN 'failed' THEN 'pending' ELSE thumb_state END,
            caption_attempts = CASE caption_state WHEN 'failed' THEN 0 ELSE caption_attempts END,
            caption_state = CASE caption_state WHEN 'failed' THEN 'pending' ELSE caption_state END
        WHERE id = @id AND 'failed' IN (thumb_state, caption_state)
        """;

    /// <summary>
    /// The SET clause of a re-caption: back to pending for a new caption by the chosen captioner (<c>@provider</c>,
    /// <c>@model</c>), in a new generation; the current caption stays.
    /// </summary>
    public const string RecaptionSet = """
        caption_state = 'pending', caption_attempts = 0, caption_error = NULL,
        caption_started_at = NULL, caption_finished_at = NULL,
        caption_request_provider = @provider, caption_request_model = @model,
        caption_generation = caption_generation + 1
        """;
}
