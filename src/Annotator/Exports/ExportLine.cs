using System.Text.Json;
using System.Text.Json.Nodes;
using Annotator.Catalog;

namespace Annotator.Exports;

/// <summary>
/// One image of an export as its index holds it: the file's name in its folder, the text (the person's annotation,
/// else the model's prediction) and tags, and with metadata the image's facts. Written as a JSON line between the
/// export's two passes, and rendered into each format's own index from that. <see cref="Width"/> and
/// <see cref="Height"/> are the catalog's (as shown) in the first pass and the archived file's after the second.
/// </summary>
public sealed record ExportLine(
    string Id, string Format, string FileName, string Split, string Text, IReadOnlyList<string> Tags, string? Review,
    IReadOnlyDictionary<string, object?>? Metadata, int Width, int Height)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The metadata columns, in the order CSV writes them.</summary>
    public static readonly string[] MetadataNames =
    [
        "original_file_name", "original_width", "original_height", "created_at", "caption_provider", "caption_model",
        "captioned_at", "reviewed_by", "reviewed_at", "camera", "taken_at", "latitude", "longitude",
    ];

    /// <summary>The line of <paramref name="image"/>, or null when it has no text at all (nothing reviewed, nothing predicted).</summary>
    public static ExportLine? Of(ImageRecord image, string split, string extension, bool metadata)
    {
        var annotation = image.Annotation;
        var kept = annotation?.Status is ReviewStatus.Accepted or ReviewStatus.Edited;
        var text = kept ? annotation!.Text : image.CaptionResult?.Text;
        if (string.IsNullOrWhiteSpace(text)) return null;
        var tags = kept ? annotation!.Tags : image.CaptionResult?.Tags ?? [];
        return new ExportLine(
            image.Id.ToString(), image.Format.ToString(), image.Id + extension, split, text, tags, annotation?.Status.Name(),
            metadata ? MetadataOf(image) : null, image.Width, image.Height);
    }

    private static Dictionary<string, object?> MetadataOf(ImageRecord image) => new()
    {
        ["original_file_name"] = image.FileName,
        ["original_width"] = image.Width,
        ["original_height"] = image.Height,
        ["created_at"] = image.CreatedAt,
        ["caption_provider"] = image.CaptionResult?.Provider,
        ["caption_model"] = image.CaptionResult?.Model,
        ["captioned_at"] = image.CaptionedAt,
        ["reviewed_by"] = image.Annotation?.ByName,
        ["reviewed_at"] = image.Annotation?.At,
        ["camera"] = image.Facts.Camera,
        ["taken_at"] = image.Facts.TakenAt,
        ["latitude"] = image.Facts.Latitude,
        ["longitude"] = image.Facts.Longitude,
    };

    /// <summary>
    /// The line as a format's index writes it: <c>file_name</c> (as <paramref name="fileName"/>), <c>text</c>,
    /// <c>tags</c>, then (with <paramref name="full"/>) <c>id</c>, <c>split</c>, <c>review</c>, then the metadata; nulls left out.
    /// </summary>
    public JsonObject Flat(string fileName, bool full)
    {
        var flat = new JsonObject { ["file_name"] = fileName, ["text"] = Text, ["tags"] = new JsonArray([.. Tags.Select(t => JsonValue.Create(t))]) };
        if (full)
        {
            flat["id"] = Id;
            flat["split"] = Split;
            if (Review is not null) flat["review"] = Review;
        }
        foreach (var (name, value) in Metadata ?? new Dictionary<string, object?>())
            if (value is not null) flat[name] = JsonSerializer.SerializeToNode(value, Json);
        return flat;
    }
}
