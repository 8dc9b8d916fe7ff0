using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Annotator.Captioning;
using Annotator.Images;

namespace Annotator.Catalog.Sql;

/// <summary>
/// One <c>images</c> row as every SQL catalog stores it (Dapper maps snake_case columns to these names), and its
/// translation to and from <see cref="ImageRecord"/>. Names no driver: the SQL adapters share it.
/// </summary>
public sealed class ImageRow
{
    public const string Columns = """
        id, file_name, format, width, height, size_bytes, created_at, uploader_id, uploader_name, facts, content_sha256, phash,
        thumb_state, thumb_error, thumb_started_at, thumb_finished_at, thumb_attempts,
        caption_state, caption_error, caption_started_at, caption_finished_at, caption_attempts,
        caption_text, caption_tags, caption_provider, caption_model, caption_latency_ms,
        caption_input_tokens, caption_output_tokens, caption_model_attempts, caption_fallback_reason,
        caption_request_provider, caption_request_model, caption_generation, caption_at,
        annotation_status, annotation_text, annotation_tags, annotation_reason, annotation_by_id, annotation_by_name, annotation_at,
        version, updated_at
        """;

    public string Id { get; set; } = "";
    public string FileName { get; set; } = "";
    public string Format { get; set; } = "";
    public long Width { get; set; }
    public long Height { get; set; }
    public long SizeBytes { get; set; }
    public long CreatedAt { get; set; }
    public string? UploaderId { get; set; }
    public string? UploaderName { get; set; }
    public string Facts { get; set; } = "{}";
    public string? ContentSha256 { get; set; }
    public long? Phash { get; set; }
    public string ThumbState { get; set; } = "";
    public string? ThumbError { get; set; }
    public long? ThumbStartedAt { get; set; }
    public long? ThumbFinishedAt { get; set; }
    public long ThumbAttempts { get; set; }
    public string CaptionState { get; set; } = "";
    public string? CaptionError { get; set; }
    public long? CaptionStartedAt { get; set; }
    public long? CaptionFinishedAt { get; set; }
    public long CaptionAttempts { get; set; }
    public string? CaptionText { get; set; }
    public string? CaptionTags { get; set; }
    public string? CaptionProvider { get; set; }
    public string? CaptionModel { get; set; }
    public long? CaptionLatencyMs { get; set; }
    public long? CaptionInputTokens { get; set; }
    public long? CaptionOutputTokens { get; set; }
    public long? CaptionModelAttempts { get; set; }
    public string? CaptionFallbackReason { get; set; }
    public string? CaptionRequestProvider { get; set; }
    public string? CaptionRequestModel { get; set; }
    public long CaptionGeneration { get; set; }
    public long? CaptionAt { get; set; }
    public string? AnnotationStatus { get; set; }
    public string? AnnotationText { get; set; }
    public string? AnnotationTags { get; set; }
    public string? AnnotationReason { get; set; }
    public string? AnnotationById { get; set; }
    public string? AnnotationByName { get; set; }
    public long? AnnotationAt { get; set; }
    public long Version { get; set; }
    public long UpdatedAt { get; set; }

    public ImageRecord ToRecord() => new()
    {
        Id = ParseId(Id),
        FileName = FileName,
        Format = Enum.Parse<ImageFormat>(Format),
        Width = (int)Width,
        Height = (int)Height,
        SizeBytes = SizeBytes,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
        UploaderId = UploaderId,
        UploaderName = UploaderName,
        Facts = JsonSerializer.Deserialize<ImageFacts>(Facts, Json) ?? ImageFacts.None,
        ContentSha256 = ContentSha256,
        PerceptualHash = Phash,
        Thumbnail = Status(ThumbState, ThumbError, ThumbStartedAt, ThumbFinishedAt, ThumbAttempts),
        Caption = Status(CaptionState, CaptionError, CaptionStartedAt, CaptionFinishedAt, CaptionAttempts),
        CaptionResult = CaptionText is null ? null : new Caption
        {
            Text = CaptionText,
            Tags = JsonSerializer.Deserialize<string[]>(CaptionTags ?? "[]", Json) ?? [],
            Provider = CaptionProvider ?? "",
            Model = CaptionModel ?? "",
            LatencyMs = CaptionLatencyMs,
            InputTokens = (int?)CaptionInputTokens,
            OutputTokens = (int?)CaptionOutputTokens,
            Attempts = (int)(CaptionModelAttempts ?? 1),
            FallbackReason = CaptionFallbackReason,
        },
        RequestedCaptioner = CaptionRequestProvider is null && CaptionRequestModel is null
            ? null
            : new CaptionChoice(CaptionRequestProvider, CaptionRequestModel),
        CaptionGeneration = CaptionGeneration,
        CaptionedAt = CaptionAt is { } captionedAt ? DateTimeOffset.FromUnixTimeMilliseconds(captionedAt) : null,
        Annotation = AnnotationStatus is null ? null : new Annotation(
            ReviewStatuses.TryParse(AnnotationStatus, out var status) ? status : throw new InvalidDataException($"Bad review status '{AnnotationStatus}' in the catalog."),
            AnnotationText,
            JsonSerializer.Deserialize<string[]>(AnnotationTags ?? "[]", Json) ?? [],
            AnnotationReason,
            AnnotationById,
            AnnotationByName,
            DateTimeOffset.FromUnixTimeMilliseconds(AnnotationAt ?? 0)),
        Version = Version,
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt),
    };

    /// <summary>An <c>id</c> read from the <c>images</c> table; one that is not an image id means the catalog is damaged.</summary>
    public static ImageId ParseId(string id) =>
        ImageId.TryParse(id, out var parsed) ? parsed : throw new InvalidDataException($"Bad image Id '{id}' in the catalog.");

    /// <summary>
    /// A gallery page from rows asked for with one more than <paramref name="limit"/>: when that one came, there is a
    /// next page, and it starts after this page's last image.
    /// </summary>
    public static ImagePage Page(IReadOnlyList<ImageRow> rows, int limit)
    {
        var items = rows.Take(limit).Select(r => r.ToRecord()).ToList();
        return new ImagePage(items, rows.Count > limit ? items[^1].Id : null);
    }

    /// <summary>Letters of every language as they are, not \u escapes: full-text indexes read the stored tags as text.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static string FactsJson(ImageFacts Facts) => JsonSerializer.Serialize(Facts, Json);

    public static string TagsJson(IReadOnlyList<string> tags) => JsonSerializer.Serialize(tags, Json);

    private static WorkStatus Status(string state, string? error, long? started, long? finished, long attempts) => new(
        WorkStates.TryParse(state, out var parsed) ? parsed : throw new InvalidDataException($"Bad work state '{state}' in the catalog."),
        error,
        started is { } s ? DateTimeOffset.FromUnixTimeMilliseconds(s) : null,
        finished is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null,
        (int)attempts);
}
