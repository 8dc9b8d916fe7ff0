namespace Annotator.Images;

/// <summary>
/// What the upload checks learn from an image's structure without decoding pixels.
/// Width and Height are as stored (before any EXIF orientation); Frames is 1 for still images.
/// </summary>
public sealed record ImageHeader(ImageFormat Format, int Width, int Height, int Frames = 1)
{
    public long Pixels => (long)Width * Height;

    /// <summary>
    /// Bytes a decoder must hold at once for an image it cannot stream: a progressive JPEG keeps every DCT
    /// coefficient until its last scan, an interlaced PNG every pixel until its last pass. 0 for images that
    /// decode in strips (and shrink on load), whose memory does not grow with their size.
    /// </summary>
    public long WholeImageBytes { get; init; }
}
