namespace Annotator.Thumbnails;

/// <summary>Decodes an original once per call and makes the derived images from it.</summary>
public interface IThumbnailer
{
    /// <summary>The gallery thumbnail and the large preview, oriented, sRGB, stripped of metadata.</summary>
    Task<ThumbnailSet> CreateThumbnailsAsync(Stream original, CancellationToken cancellationToken);

    /// <summary>A JPEG for a captioner: oriented, sRGB, no metadata, longest side at most <paramref name="maxEdge"/>.</summary>
    Task<EncodedImage> CreateCaptionImageAsync(Stream original, int maxEdge, CancellationToken cancellationToken);
}

public sealed record EncodedImage(byte[] Bytes, int Width, int Height);

public sealed record ThumbnailSet(EncodedImage Thumbnail, EncodedImage Preview);

/// <summary>The image could not be decoded; the message says why in words a person can read.</summary>
public sealed class ImageDecodeException(string reason, Exception? inner = null) : Exception(reason, inner);
