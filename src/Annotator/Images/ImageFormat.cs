namespace Annotator.Images;

/// <summary>The image formats Annotator accepts, recognised from the bytes, never from a name.</summary>
public enum ImageFormat { Jpeg, Png, Gif, WebP, Tiff, Avif, Heic }

public static class ImageFormats
{
    public static string ContentType(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.Gif => "image/gif",
        ImageFormat.WebP => "image/webp",
        ImageFormat.Tiff => "image/tiff",
        ImageFormat.Avif => "image/avif",
        ImageFormat.Heic => "image/heic",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The extension of the stored original: chosen from the sniffed format, never the upload's name.</summary>
    public static string Extension(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Png => ".png",
        ImageFormat.Gif => ".gif",
        ImageFormat.WebP => ".webp",
        ImageFormat.Tiff => ".tiff",
        ImageFormat.Avif => ".avif",
        ImageFormat.Heic => ".heic",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static ImageFormat? FromExtension(string extension) => extension switch
    {
        ".jpg" => ImageFormat.Jpeg,
        ".png" => ImageFormat.Png,
        ".gif" => ImageFormat.Gif,
        ".webp" => ImageFormat.WebP,
        ".tiff" => ImageFormat.Tiff,
        ".avif" => ImageFormat.Avif,
        ".heic" => ImageFormat.Heic,
        _ => null,
    };
}
