namespace Annotator.Images;

/// <summary>
/// What the upload checks learn from an image's structure without decoding pixels.
/// Width and Height are as stored (before any EXIF orientation); Frames is 1 for still images.
/// </summary>
public sealed record ImageHeader(ImageFormat Format, int Width, int Height, int Frames = 1)
{
    public long Pixels => (long)Width * Height;
}
