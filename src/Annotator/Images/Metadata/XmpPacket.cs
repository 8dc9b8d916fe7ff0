using System.Buffers;
using System.Globalization;
using System.Xml;

namespace Annotator.Images.Metadata;

/// <summary>
/// Reads camera, lens, date taken and GPS position from an XMP packet, the RDF/XML that editors and some
/// phones write instead of (or beside) EXIF. Untrusted XML: at most <see cref="MaxBytes"/>, no DTD, no
/// entities, no external anything, read forward once; a damaged packet keeps what came before the damage.
/// </summary>
internal static class XmpPacket
{
    /// <summary>JPEG holds at most 64 KB in one segment; editors' packets with a history are a few hundred KB.</summary>
    public const int MaxBytes = 1024 * 1024;

    private const string Tiff = "http://ns.adobe.com/tiff/1.0/", Exif = "http://ns.adobe.com/exif/1.0/",
        ExifEx = "http://cipa.jp/exif/1.0/", Aux = "http://ns.adobe.com/exif/1.0/aux/",
        Xmp = "http://ns.adobe.com/xap/1.0/", Photoshop = "http://ns.adobe.com/photoshop/1.0/";

    // Each property is a pair (namespace, name); its value is an attribute of rdf:Description or an element's text.
    private static readonly (string Namespace, string Name)[] Wanted =
    [
        (Tiff, "Make"), (Tiff, "Model"), (ExifEx, "LensModel"), (Aux, "Lens"),
        (Exif, "DateTimeOriginal"), (Photoshop, "DateCreated"), (Xmp, "CreateDate"), (Exif, "GPSLatitude"), (Exif, "GPSLongitude"),
    ];

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit, // a DOCTYPE is refused: no entity expansion, no billion laughs
        XmlResolver = null,
        MaxCharactersInDocument = MaxBytes,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true, // the <?xpacket?> wrapper
        IgnoreWhitespace = true,
    };

    private static readonly string[] DateFormats =
        ["yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mmK", "yyyy-MM-dd"];

    public static ImageFacts Read(ImageReader reader, long start, long length)
    {
        if (length <= 0) return ImageFacts.None;
        var size = (int)Math.Min(length, MaxBytes); // a longer packet is read as far as the limit
        reader.Seek(start);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            reader.ReadExactly(buffer.AsSpan(0, size));
            return From(Values(new MemoryStream(buffer, 0, size, writable: false)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The first value of each wanted property, in document order.</summary>
    private static Dictionary<(string, string), string> Values(Stream packet)
    {
        var values = new Dictionary<(string, string), string>();
        (string, string)? open = null; // a wanted property whose element just started: its text comes next
        try
        {
            using var xml = XmlReader.Create(packet, Settings);
            while (xml.Read())
            {
                if (xml.NodeType == XmlNodeType.Text && open is { } property) values.TryAdd(property, xml.Value);
                open = null;
                if (xml.NodeType != XmlNodeType.Element) continue;
                for (var more = xml.MoveToFirstAttribute(); more; more = xml.MoveToNextAttribute())
                    if (IsWanted(xml.NamespaceURI, xml.LocalName)) values.TryAdd((xml.NamespaceURI, xml.LocalName), xml.Value);
                xml.MoveToElement();
                if (!xml.IsEmptyElement && IsWanted(xml.NamespaceURI, xml.LocalName)) open = (xml.NamespaceURI, xml.LocalName);
            }
        }
        catch (XmlException)
        {
            // Damaged, cut off at the limit, or a DOCTYPE: what was read before it stands.
        }
        return values;
    }

    private static bool IsWanted(string ns, string name) => Array.IndexOf(Wanted, (ns, name)) >= 0;

    private static ImageFacts From(Dictionary<(string, string), string> values)
    {
        string? Value(string ns, string name) => values.GetValueOrDefault((ns, name));
        var (latitude, longitude) = (Coordinate(Value(Exif, "GPSLatitude"), 'N', 'S', 90), Coordinate(Value(Exif, "GPSLongitude"), 'E', 'W', 180));
        var located = latitude is not null && longitude is not null && (latitude != 0 || longitude != 0);
        return new ImageFacts
        {
            CameraMake = FactsReader.Clean(Value(Tiff, "Make")),
            CameraModel = FactsReader.Clean(Value(Tiff, "Model")),
            Lens = FactsReader.Clean(Value(ExifEx, "LensModel") ?? Value(Aux, "Lens")),
            TakenAt = Date(Value(Exif, "DateTimeOriginal")) ?? Date(Value(Photoshop, "DateCreated")) ?? Date(Value(Xmp, "CreateDate")),
            Latitude = located ? latitude : null,
            Longitude = located ? longitude : null,
        };
    }

    /// <summary>The camera's clock as written: XMP may add a zone, which EXIF (and so <see cref="ImageFacts.TakenAt"/>) has not.</summary>
    private static DateTime? Date(string? text) =>
        text is not null && DateTimeOffset.TryParseExact(text.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
        && date.Year > 1900
            ? date.DateTime
            : null;

    /// <summary>XMP's "DDD,MM,SSk" or "DDD,MM.mmk" (k: N, S, E or W) to signed decimal degrees, rounded to about 10 cm.</summary>
    private static double? Coordinate(string? text, char positive, char negative, double limit)
    {
        if (text is not { Length: > 1 and <= 64 }) return null;
        var direction = char.ToUpperInvariant(text[^1]);
        if (direction != positive && direction != negative) return null;
        var parts = text[..^1].Split(',');
        if (parts.Length is < 2 or > 3) return null;
        double value = 0, unit = 1;
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var number)) return null;
            value += number / unit;
            unit *= 60;
        }
        if (direction == negative) value = -value;
        return Math.Abs(value) <= limit ? Math.Round(value, 6) : null;
    }
}
