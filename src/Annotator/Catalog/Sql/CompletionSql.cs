using Annotator.Captioning;

namespace Annotator.Catalog.Sql;

/// <summary>
/// What finishing claimed work writes on an <c>images</c> row: the same rule, and the same SQL, on SQLite,
/// MariaDB/MySQL and PostgreSQL, so it is written once, here. A result is stored only while its owner still holds the
/// claim (and, for a caption, while no newer re-caption superseded it); the SET clauses take <c>@now</c>, and
/// <c>@reason</c> or the caption's values.
/// </summary>
public static class CompletionSql
{
    /// <summary>The thumbnails made, with the perceptual hash of their pixels (<c>@phash</c>).</summary>
    public const string ThumbnailDone = "thumb_state = 'done', thumb_finished_at = @now, thumb_error = NULL, phash = @phash";

    public const string ThumbnailFailed = "thumb_state = 'failed', thumb_finished_at = @now, thumb_error = @reason";

    public const string CaptionFailed = "caption_state = 'failed', caption_finished_at = @now, caption_error = @reason";

    /// <summary>
    /// A caption stored (values from <see cref="CaptionValues"/>), and the request it answered cleared. It is a new
    /// prediction: a person's annotation, in its own columns, stays. An engine that stores search words adds its own.
    /// </summary>
    public const string CaptionDone = """
        caption_state = 'done', caption_finished_at = @now, caption_error = NULL, caption_at = @now,
        caption_text = @Text, caption_tags = @Tags, caption_provider = @Provider, caption_model = @Model,
        caption_latency_ms = @LatencyMs, caption_input_tokens = @InputTokens, caption_output_tokens = @OutputTokens,
        caption_model_attempts = @Attempts, caption_fallback_reason = @FallbackReason,
        caption_request_provider = NULL, caption_request_model = NULL
        """;

    /// <summary>The parameters of <see cref="CaptionDone"/>.</summary>
    public static object CaptionValues(Caption caption) => new
    {
        caption.Text, Tags = ImageRow.TagsJson(caption.Tags), caption.Provider, caption.Model, caption.LatencyMs,
        caption.InputTokens, caption.OutputTokens, caption.Attempts, caption.FallbackReason,
    };

    /// <summary>
    /// Writes <paramref name="set"/> and ends the claim, when <c>@owner</c> holds it and, for a caption of a
    /// <paramref name="generation"/>, that generation (<c>@generation</c>) is still the current one. Matches nothing otherwise.
    /// </summary>
    public static string Finish(string p, string set, long? generation) => $"""
        UPDATE images SET {set}, {p}_lease_owner = NULL, {p}_lease_until = NULL
        WHERE id = @id AND {p}_lease_owner = @owner{(generation is null ? "" : " AND caption_generation = @generation")}
        """;
}
