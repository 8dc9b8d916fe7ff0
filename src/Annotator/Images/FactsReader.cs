using System.Globalization;
using Annotator.Images.Metadata;

namespace Annotator.Images;

/// <summary>
/// Reads <see cref="ImageFacts"/> from an image's EXIF, and from its XMP for whatever the EXIF leaves out:
/// headers only, no pixels, nothing inflated, a fixed number of directories and bytes whatever the file
/// claims (see <see cref="ExifDirectories"/> and <see cref="XmpPacket"/>).
/// Metadata is a courtesy: damaged or hostile metadata gives fewer facts, never a refused upload.
/// </summary>
public static class FactsReader
{
    public static ImageFacts Read(Stream content)
    {
        using var reader = new ImageReader(content);
        if (reader.Length < 8) return ImageFacts.None;
        var blocks = Safely(() => MetadataLocator.Find(reader), default);
        var directories = blocks.Exif is var (start, length) ? Safely(() => ExifDirectories.Read(reader, start, length), null) : null;
        var exif = directories is null ? ImageFacts.None : Safely(() => From(directories), ImageFacts.None);
        // A TIFF keeps its XMP in IFD0 (tag 700) rather than in a block of its own.
        var xmp = blocks.Xmp ?? directories?.Block0(ExifDirectories.Xmp);
        return xmp is var (xmpStart, xmpLength) ? Fill(exif, Safely(() => XmpPacket.Read(reader, xmpStart, xmpLength), ImageFacts.None)) : exif;
    }

    // The file ends inside its metadata, or a HEIF box overruns its parent: that block gives nothing.
    private static T Safely<T>(Func<T> read, T nothing)
    {
        try
        {
            return read();
        }
        catch (ImageRejectedException)
        {
            return nothing;
        }
    }

    /// <summary>EXIF first, field by field; a position is taken whole from one of them.</summary>
    private static ImageFacts Fill(ImageFacts exif, ImageFacts xmp)
    {
        var located = exif.Latitude is not null;
        return exif with
        {
            CameraMake = exif.CameraMake ?? xmp.CameraMake,
            CameraModel = exif.CameraModel ?? xmp.CameraModel,
            Lens = exif.Lens ?? xmp.Lens,
            TakenAt = exif.TakenAt ?? xmp.TakenAt,
            Latitude = located ? exif.Latitude : xmp.Latitude,
            Longitude = located ? exif.Longitude : xmp.Longitude,
        };
    }

    private static ImageFacts From(ExifDirectories exif)
    {
        var (latitude, longitude) = (Coordinate(exif, ExifDirectories.GpsLatitude, ExifDirectories.GpsLatitudeRef, 'S', 90),
            Coordinate(exif, ExifDirectories.GpsLongitude, ExifDirectories.GpsLongitudeRef, 'W', 180));
        var located = latitude is not null && longitude is not null && (latitude != 0 || longitude != 0);
        return new ImageFacts
        {
            Orientation = exif.Integer0(ExifDirectories.Orientation) is >= 1 and <= 8 and var o ? (int)o : 1,
            CameraMake = Clean(exif.Text0(ExifDirectories.Make)),
            CameraModel = Clean(exif.Text0(ExifDirectories.Model)),
            Lens = Clean(exif.TextExif(ExifDirectories.LensModel)),
            TakenAt = Date(exif.TextExif(ExifDirectories.DateTimeOriginal)) ?? Date(exif.Text0(ExifDirectories.DateTime)),
            Latitude = located ? latitude : null,
            Longitude = located ? longitude : null,
            ExposureTime = Seconds(exif.RationalExif(ExifDirectories.ExposureTime)),
            FNumber = Number(exif.RationalExif(ExifDirectories.FNumber)),
            Iso = exif.IntegerExif(ExifDirectories.Iso) is > 0 and <= int.MaxValue and var iso ? (int)iso : null,
            FocalLength = Number(exif.RationalExif(ExifDirectories.FocalLength)),
        };
    }

    /// <summary>Degrees, minutes and seconds to signed decimal degrees, rounded to about 10 cm.</summary>
    private static double? Coordinate(ExifDirectories exif, ushort tag, ushort referenceTag, char negative, double limit)
    {
        if (exif.RationalsGps(tag, 3) is not [var degrees, var minutes, var seconds]
            || degrees.Denominator == 0 || minutes.Denominator == 0 || seconds.Denominator == 0) return null;
        var value = (double)degrees.Numerator / degrees.Denominator + (double)minutes.Numerator / minutes.Denominator / 60
                    + (double)seconds.Numerator / seconds.Denominator / 3600;
        if (exif.TextGps(referenceTag) is { Length: > 0 } reference && char.ToUpperInvariant(reference[0]) == negative) value = -value;
        return Math.Abs(value) <= limit ? Math.Round(value, 6) : null;
    }

    /// <summary>EXIF and XMP strings are free text from a camera or an editor: keep them printable and short.</summary>
    internal static string? Clean(string? text)
    {
        var clean = new string((text ?? "").Where(c => !char.IsControl(c) && c != '\uFFFD').Take(100).ToArray()).Trim();
        return clean.Length == 0 ? null : clean;
    }

    /// <summary>"1/75 sec" for a stored 4/300, "2 sec" for 2/1: the fraction a photographer reads.</summary>
    private static string? Seconds((long Numerator, long Denominator)? rational)
    {
        if (rational is not var (n, d) || n <= 0 || d <= 0) return null;
        var gcd = (long)System.Numerics.BigInteger.GreatestCommonDivisor(n, d);
        (n, d) = (n / gcd, d / gcd);
        return d == 1 ? $"{n} sec" : $"{n}/{d} sec";
    }

    private static double? Number((long Numerator, long Denominator)? rational) =>
        rational is var (n, d) && n > 0 && d > 0 ? Math.Round((double)n / d, 2) : null;

    private static DateTime? Date(string? text) =>
        text is not null && DateTime.TryParseExact(text.Trim(), "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
        && date.Year > 1900
            ? date
            : null;
}
