using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;

namespace Annotator.Images;

/// <summary>
/// Reads <see cref="ImageFacts"/> from an image's EXIF with MetadataExtractor: headers only, no pixels.
/// Metadata is a courtesy: damaged or hostile EXIF gives fewer facts, never a refused upload.
/// </summary>
public static class FactsReader
{
    public static ImageFacts Read(Stream content)
    {
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            content.Position = 0;
            directories = ImageMetadataReader.ReadMetadata(content);
        }
        catch (Exception e) when (e is ImageProcessingException or IOException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            return ImageFacts.None;
        }

        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var sub = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();
        var gps = directories.OfType<GpsDirectory>().FirstOrDefault();
        var location = Try(() => gps?.GetGeoLocation());

        return new ImageFacts
        {
            Orientation = ifd0 is not null && ifd0.TryGetInt32(ExifDirectoryBase.TagOrientation, out var o) && o is >= 1 and <= 8 ? o : 1,
            CameraMake = Text(ifd0, ExifDirectoryBase.TagMake),
            CameraModel = Text(ifd0, ExifDirectoryBase.TagModel),
            Lens = Text(sub, ExifDirectoryBase.TagLensModel),
            TakenAt = Date(sub, ExifDirectoryBase.TagDateTimeOriginal) ?? Date(ifd0, ExifDirectoryBase.TagDateTime),
            Latitude = location is { IsZero: false } ? Math.Round(location.Latitude, 6) : null,
            Longitude = location is { IsZero: false } ? Math.Round(location.Longitude, 6) : null,
            ExposureTime = Text(sub, ExifDirectoryBase.TagExposureTime, described: true),
            FNumber = Number(sub, ExifDirectoryBase.TagFNumber),
            Iso = sub is not null && sub.TryGetInt32(ExifDirectoryBase.TagIsoEquivalent, out var iso) && iso > 0 ? iso : null,
            FocalLength = Number(sub, ExifDirectoryBase.TagFocalLength),
        };
    }

    private static string? Text(MetadataExtractor.Directory? directory, int tag, bool described = false)
    {
        var text = Try(() => described ? directory?.GetDescription(tag) : directory?.GetString(tag))?.Trim().TrimEnd('\0').Trim();
        if (string.IsNullOrEmpty(text)) return null;
        // EXIF strings are free text from a camera or an editor: keep them printable and short.
        var clean = new string(text.Where(c => !char.IsControl(c)).Take(100).ToArray());
        return clean.Length == 0 ? null : clean;
    }

    private static double? Number(MetadataExtractor.Directory? directory, int tag) =>
        directory is not null && directory.TryGetRational(tag, out var r) && r.Denominator != 0 && r.ToDouble() > 0
            ? Math.Round(r.ToDouble(), 2)
            : null;

    private static DateTime? Date(MetadataExtractor.Directory? directory, int tag)
    {
        var text = Text(directory, tag);
        return text is not null && DateTime.TryParseExact(text, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
               && date.Year > 1900
            ? date
            : null;
    }

    private static T? Try<T>(Func<T?> read)
    {
        try { return read(); }
        catch (Exception e) when (e is MetadataException or FormatException or IndexOutOfRangeException or InvalidCastException or OverflowException) { return default; }
    }
}
