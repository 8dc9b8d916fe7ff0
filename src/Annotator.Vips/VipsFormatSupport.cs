using Annotator.Images;
using NetVips;

namespace Annotator.Thumbnails;

/// <summary>
/// Which accepted formats can actually be decoded here. The bundled libvips has no HEVC decoder (a patent question),
/// so whether libvips decodes HEIC is decided by a real round trip, not assumed (a libvips built with libde265 and
/// x265 needs nothing else); otherwise <see cref="HeicDecoder"/> does, when its ImageMagick reads HEIC.
/// </summary>
public static class VipsFormatSupport
{
    private static readonly Lazy<bool> Hevc = new(ProbeHevc);

    /// <summary>Whether libvips itself decodes HEIC.</summary>
    public static bool VipsDecodesHeic => Hevc.Value;

    public static bool CanDecode(ImageFormat format) => format != ImageFormat.Heic || Hevc.Value || HeicDecoder.Available;

    private static bool ProbeHevc()
    {
        try
        {
            using var sample = Image.Black(16, 16, bands: 3);
            var heic = sample.HeifsaveBuffer(compression: Enums.ForeignHeifCompression.Hevc);
            using var decoded = Image.NewFromBuffer(heic);
            return decoded.Avg() >= 0;
        }
        catch (VipsException)
        {
            return false;
        }
    }
}
