using Annotator.Images;
using Annotator.Thumbnails;

namespace Annotator.Storage;

/// <summary>
/// The object layout. Only <c>raw/</c> keys trigger work; everything a function writes lives
/// elsewhere, so writing a thumbnail can never start another event (the original design's loop trap).
/// </summary>
public static class ObjectKeys
{
    public const string RawPrefix = "raw/";
    public const string ThumbnailPrefix = "thumbnails/";

    public static string Raw(ImageId id, ImageFormat format) => $"{RawPrefix}{id}{format.Extension()}";

    public static string Thumbnail(ImageId id) => $"{ThumbnailPrefix}{id}.webp";

    public static string Preview(ImageId id, string format) => $"{ThumbnailPrefix}{id}.preview{PreviewFormat.Extension(format)}";

    /// <summary>Every key an image's preview may have: one made before <c>PreviewFormat</c> changed keeps the other.</summary>
    public static string[] Previews(ImageId id) => [Preview(id, PreviewFormat.Jpeg), Preview(id, PreviewFormat.Webp)];

    /// <summary>The image an object belongs to, for any key this layout makes (raw, thumbnail, preview).</summary>
    public static bool TryParseOwner(string key, out ImageId id)
    {
        id = default;
        var slash = key.IndexOf('/');
        if (slash < 0) return false;
        var name = key.AsSpan(slash + 1);
        return name.Length >= 36 && ImageId.TryParse(name[..36], out id) && name[36..] is ".webp" or ".preview.webp" or ".preview.jpg"
            || TryParseRaw(key, out id, out _);
    }

    /// <summary>Parses <c>raw/{id}{ext}</c>; anything else (thumbnails, foreign keys, paths) is not ours to process.</summary>
    public static bool TryParseRaw(string key, out ImageId id, out ImageFormat format)
    {
        id = default;
        format = default;
        if (!key.StartsWith(RawPrefix, StringComparison.Ordinal)) return false;
        var name = key.AsSpan(RawPrefix.Length);
        var dot = name.IndexOf('.');
        if (dot < 0 || !ImageId.TryParse(name[..dot], out id)) return false;
        var parsed = ImageFormats.FromExtension(name[dot..].ToString());
        if (parsed is null) return false;
        format = parsed.Value;
        return true;
    }
}
