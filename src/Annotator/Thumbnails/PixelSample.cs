namespace Annotator.Thumbnails;

/// <summary>
/// A small copy of an image's pixels as packed 8-bit sRGB (3 bytes a pixel, rows top to bottom), oriented as shown and
/// with transparency on white, as the page shows it. At most <see cref="MaxEdge"/> on its longest side.
/// </summary>
public sealed record PixelSample(byte[] Rgb, int Width, int Height)
{
    /// <summary>Enough pixels for the proportions of light and colour, few enough to decode at a JPEG's smallest scale.</summary>
    public const int MaxEdge = 64;
}
