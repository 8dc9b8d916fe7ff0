using Annotator.Images;

namespace Annotator.Thumbnails;

/// <summary>
/// Decodes an original once per call and makes the derived images from it. <c>pixels</c> is the image's
/// size from its upload check: very large images are scheduled so that they never hold up ordinary ones.
/// A decode that takes longer than its time limit fails with <see cref="ImageDecodeException"/>.
/// </summary>
public interface IThumbnailer
{
    /// <summary>Whether this thumbnailer can decode <paramref name="format"/> at all (asked at upload, before anything is stored).</summary>
    bool CanDecode(ImageFormat format);

    /// <summary>
    /// The gallery thumbnail and the large preview, oriented, sRGB, stripped of metadata, and the
    /// <see cref="PerceptualHash"/> of the pixels decoded for them (no decode of its own).
    /// </summary>
    Task<ThumbnailSet> CreateThumbnailsAsync(Stream original, long pixels, CancellationToken cancellationToken);

    /// <summary>
    /// The <see cref="PerceptualHash"/> of a gallery thumbnail this thumbnailer made and stored: for images thumbnailed before
    /// there were hashes, without decoding their originals again. Within a bit or two of the hash made with the thumbnail.
    /// </summary>
    Task<long> HashThumbnailAsync(Stream thumbnail, CancellationToken cancellationToken);

    /// <summary>A JPEG for a captioner: oriented, sRGB, no metadata, longest side at most <paramref name="maxEdge"/>.</summary>
    Task<EncodedImage> CreateCaptionImageAsync(Stream original, long pixels, int maxEdge, CancellationToken cancellationToken);

    /// <summary>A <see cref="PixelSample"/> for a captioner that measures pixels, decoded at the smallest scale that gives it.</summary>
    Task<PixelSample> CreateSampleAsync(Stream original, long pixels, CancellationToken cancellationToken);
}

public sealed record EncodedImage(byte[] Bytes, int Width, int Height);

public sealed record ThumbnailSet(EncodedImage Thumbnail, EncodedImage Preview, long PerceptualHash);

/// <summary>The image could not be decoded; the message says why in words a person can read.</summary>
public sealed class ImageDecodeException(string reason, Exception? inner = null) : Exception(reason, inner);
