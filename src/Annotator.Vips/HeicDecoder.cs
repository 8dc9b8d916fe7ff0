using ImageMagick;
using NetVips;

namespace Annotator.Thumbnails;

/// <summary>
/// HEIC (iPhones, recent Android phones) for a libvips without an HEVC decoder, which the bundled build is (a patent
/// question): ImageMagick's native build (Magick.NET, with libheif and libde265) decodes it into pixels that libvips
/// takes from there, so shrinking, colour management and encoding are the same as for every other photo. libheif
/// applies the file's rotation and mirroring itself ('irot', 'imir'), so the pixels come upright.
/// </summary>
internal static class HeicDecoder
{
    private static readonly Lazy<bool> Readable = new(() =>
        MagickNET.SupportedFormats.Any(format => format.Format == MagickFormat.Heic && format.SupportsReading));

    /// <summary>Whether this build of ImageMagick reads HEIC.</summary>
    public static bool Available => Readable.Value;

    /// <summary>
    /// The whole image as 8-bit RGB, with its ICC profile (an iPhone's is Display P3) left for libvips to apply after
    /// the shrink, on few pixels: converting 12 MP here costs more than the decode.
    /// </summary>
    public static Image Decode(Stream original)
    {
        try
        {
            // Bounded as every decode is: the upload checks held its pixels to the limit, and over 40 MP it runs alone.
            using var magick = new MagickImage(original, MagickFormat.Heic);
            // RGB only: an alpha channel, if any, is dropped (libvips' own HEIF loader gives a photo 3 bands too).
            var pixels = magick.GetPixelsUnsafe().ToByteArray(PixelMapping.RGB)
                ?? throw new ImageDecodeException("the HEIC image has no pixels");
            using var bare = Image.NewFromMemory(pixels, (int)magick.Width, (int)magick.Height, 3, Enums.BandFormat.Uchar);
            return magick.GetColorProfile()?.ToByteArray() is { Length: > 0 } profile
                ? bare.Mutate(m => m.Set(GValue.BlobType, "icc-profile-data", profile))
                : bare.Copy();
        }
        catch (MagickException e)
        {
            throw new ImageDecodeException($"the HEIC image cannot be decoded: {Reason(e)}", e);
        }
    }

    /// <summary>
    /// What went wrong, without where: ImageMagick ends its message with its temp file's name and its own source line
    /// ("… (6.1000) `/tmp/magick-…' @ error/heic.c/…"), at times on a line of its own.
    /// </summary>
    private static string Reason(MagickException e)
    {
        var first = e.Message.Split('\n')[0];
        var where = first.IndexOf(" `", StringComparison.Ordinal);
        return (where > 0 ? first[..where] : first).Trim();
    }
}
