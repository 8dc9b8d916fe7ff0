using Annotator.Catalog;
using Annotator.Images;

namespace Annotator.Server.Api;

/// <summary>
/// An image as the REST API shows it: the contract the UI, tests and later clients rely on. <c>Frames</c> is
/// 1 for a still image; an animated GIF, WebP or APNG is <c>Animated</c> with the frames its upload check counted.
/// </summary>
public sealed record ImageDto(
    string Id,
    string FileName,
    string ContentType,
    int Width,
    int Height,
    long SizeBytes,
    int Frames,
    bool Animated,
    DateTimeOffset CreatedAt,
    long Version,
    DateTimeOffset UpdatedAt,
    string State,
    string OriginalUrl,
    ThumbnailDto Thumbnail,
    CaptionDto Caption,
    ExifDto Exif,
    UploaderDto? UploadedBy,
    AnnotationDto? Annotation)
{
    public static ImageDto From(ImageRecord image)
    {
        var id = image.Id.ToString();
        var thumbDone = image.Thumbnail.State == WorkState.Done;
        // The version in derived URLs changes whenever they are remade, so they can be cached forever.
        var version = image.Thumbnail.FinishedAt?.ToUnixTimeMilliseconds();
        var caption = image.CaptionResult;
        return new ImageDto(
            id,
            image.FileName,
            image.Format.ContentType(),
            image.Width,
            image.Height,
            image.SizeBytes,
            image.Facts.Frames,
            image.Facts.Animated,
            image.CreatedAt,
            image.Version,
            image.UpdatedAt,
            image.State.Name(),
            $"/api/images/{id}/original",
            new ThumbnailDto(
                image.Thumbnail.State.Name(),
                thumbDone ? $"/api/images/{id}/thumbnail?v={version}" : null,
                thumbDone ? $"/api/images/{id}/preview?v={version}" : null,
                image.Thumbnail.Error,
                image.Thumbnail.StartedAt,
                image.Thumbnail.FinishedAt,
                image.Thumbnail.Attempts),
            new CaptionDto(
                image.Caption.State.Name(),
                caption?.Text,
                caption?.Tags ?? [],
                caption?.Provider,
                caption?.Model,
                image.Caption.Error,
                image.Caption.StartedAt,
                image.Caption.FinishedAt,
                caption?.LatencyMs,
                caption?.InputTokens,
                caption?.OutputTokens,
                image.Caption.Attempts,
                caption?.Attempts,
                caption?.FallbackReason,
                image.RequestedCaptioner is { } requested ? new CaptionChoiceDto(requested.Provider, requested.Model) : null,
                caption is null ? null : image.CaptionedAt),
            ExifDto.From(image.Facts),
            image.UploaderId is { } uploader ? new UploaderDto(uploader, image.UploaderName ?? "") : null,
            AnnotationDto.From(image.Annotation));
    }
}

public sealed record ThumbnailDto(
    string State, string? Url, string? PreviewUrl, string? Error, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Attempts);

/// <summary>
/// The caption work and the latest caption. <c>Attempts</c> counts runs of the caption work; <c>ProviderAttempts</c>
/// the calls to the provider that made the current caption. <c>Requested</c> is the provider/model of a pending
/// re-caption (null: the default captioner). The caption is the model's prediction; <c>CaptionedAt</c> is when it was made
/// (it stays while a re-caption runs, unlike <c>FinishedAt</c>).
/// </summary>
public sealed record CaptionDto(
    string State, string? Text, IReadOnlyList<string> Tags, string? Provider, string? Model, string? Error,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, long? LatencyMs, int? InputTokens, int? OutputTokens, int Attempts,
    int? ProviderAttempts, string? FallbackReason, CaptionChoiceDto? Requested, DateTimeOffset? CaptionedAt);

/// <summary>
/// A person's review of the caption: <c>status</c> accepted (the prediction's text and tags as they were), edited (the
/// person's text and tags) or rejected (with an optional <c>reason</c>); <c>by</c> whom and <c>at</c> when. Absent until reviewed.
/// </summary>
public sealed record AnnotationDto(string Status, string? Text, IReadOnlyList<string> Tags, string? Reason, UploaderDto? By, DateTimeOffset At)
{
    public static AnnotationDto? From(Annotation? annotation) => annotation is null ? null : new(
        annotation.Status.Name(), annotation.Text, annotation.Tags, annotation.Reason,
        annotation.ById is { } id ? new UploaderDto(id, annotation.ByName ?? "") : null, annotation.At);
}

public sealed record CaptionChoiceDto(string? Provider, string? Model);

public sealed record ExifDto(
    string? Camera, string? Lens, DateTime? TakenAt, double? Latitude, double? Longitude,
    string? ExposureTime, double? FNumber, int? Iso, double? FocalLength, int Orientation)
{
    public static ExifDto From(ImageFacts f) =>
        new(f.Camera, f.Lens, f.TakenAt, f.Latitude, f.Longitude, f.ExposureTime, f.FNumber, f.Iso, f.FocalLength, f.Orientation);
}

/// <summary>Who uploaded (or reviewed) the image: the account's id and its user name at the time.</summary>
public sealed record UploaderDto(string Id, string UserName);

public sealed record ImageListDto(IReadOnlyList<ImageDto> Items, string? NextCursor);
