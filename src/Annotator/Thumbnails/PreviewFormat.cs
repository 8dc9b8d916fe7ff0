namespace Annotator.Thumbnails;

/// <summary>
/// How the large preview is encoded (<c>Annotator:Thumbnails:PreviewFormat</c>). JPEG by default: for an ordinary photo
/// the preview's encode is most of the thumbnail work, and libvips encodes it as JPEG several times faster than as WebP
/// (bench/RESULTS.md, "Thumbnails"). The small thumbnail is WebP either way: it is loaded by the dozen.
/// </summary>
public static class PreviewFormat
{
    public const string Jpeg = "jpeg";
    public const string Webp = "webp";

    public static string Extension(string format) => format == Webp ? ".webp" : ".jpg";

    public static string ContentType(string format) => format == Webp ? "image/webp" : "image/jpeg";

    /// <summary>The other format: images made before the setting changed keep their preview in it.</summary>
    public static string Other(string format) => format == Webp ? Jpeg : Webp;
}
