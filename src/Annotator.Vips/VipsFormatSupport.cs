using Annotator.Images;
using NetVips;

namespace Annotator.Thumbnails;

/// <summary>
/// Which accepted formats the libvips in use can actually decode. The bundled build has no HEVC
/// decoder (a patent question), so HEIC is decided by a real round trip, not assumed: a libvips built
/// with libde265 and x265 makes HEIC work without a code change.
/// </summary>
public static class VipsFormatSupport
{
    private static readonly Lazy<bool> Hevc = new(ProbeHevc);

    public static bool CanDecode(ImageFormat format) => format != ImageFormat.Heic || Hevc.Value;

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
