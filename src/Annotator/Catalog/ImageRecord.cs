using Annotator.Captioning;
using Annotator.Images;

namespace Annotator.Catalog;

/// <summary>One image as the catalog knows it. Width and Height are as shown (EXIF orientation applied).</summary>
public sealed record ImageRecord
{
    public required ImageId Id { get; init; }
    public required string FileName { get; init; }
    public required ImageFormat Format { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required long SizeBytes { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Who uploaded it: the account's id and its user name then; null for images from before accounts existed.</summary>
    public string? UploaderId { get; init; }
    public string? UploaderName { get; init; }
    public ImageFacts Facts { get; init; } = ImageFacts.None;
    /// <summary>The original's SHA-256 (lowercase hex): the catalog keeps one image per content. Null for images from before V6.</summary>
    public string? ContentSha256 { get; init; }
    /// <summary>The <see cref="Thumbnails.PerceptualHash"/> of its pixels, once its thumbnail is made (finds its near-duplicates).</summary>
    public long? PerceptualHash { get; init; }
    public WorkStatus Thumbnail { get; init; } = WorkStatus.New;
    public WorkStatus Caption { get; init; } = WorkStatus.New;
    /// <summary>The latest successful caption; kept while a re-caption runs or after it fails.</summary>
    public Caption? CaptionResult { get; init; }
    /// <summary>When <see cref="CaptionResult"/>, the prediction, was made.</summary>
    public DateTimeOffset? CaptionedAt { get; init; }
    /// <summary>A person's review of the caption; null until someone reviews it. Re-captioning never changes it.</summary>
    public Annotation? Annotation { get; init; }
    /// <summary>The provider and model a pending re-caption asked for; null for the configured default.</summary>
    public CaptionChoice? RequestedCaptioner { get; init; }
    /// <summary>Grows with every re-caption request, so a caption started before it cannot overwrite the newer one.</summary>
    public long CaptionGeneration { get; init; }
    /// <summary>The change-feed version of the image's latest change: of two copies, the higher is newer.</summary>
    public long Version { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public WorkState State => WorkStates.Combine(Thumbnail.State, Caption.State);
}

/// <summary>The state of one function's work on one image, with its times and, on failure, the reason.</summary>
public sealed record WorkStatus(WorkState State, string? Error, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Attempts)
{
    public static readonly WorkStatus New = new(WorkState.Pending, null, null, null, 0);
}
