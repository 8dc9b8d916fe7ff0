using System.Buffers.Binary;
using System.Text;

namespace Annotator.Images.Metadata;

/// <summary>
/// Reads the few EXIF tags Annotator shows from a TIFF structure: IFD0 and the Exif and GPS directories
/// it points to, nothing else. No chain of next-directory links is followed and nothing recurses, so a
/// file of 100,000 directories costs what a file of three does; every read is bounded by
/// <see cref="MaxEntries"/> and <see cref="MaxText"/>.
/// </summary>
internal sealed class ExifDirectories
{
    public const int MaxEntries = 1000, MaxText = 256;

    public const ushort Make = 0x010F, Model = 0x0110, Orientation = 0x0112, DateTime = 0x0132,
        ExposureTime = 0x829A, FNumber = 0x829D, Iso = 0x8827, DateTimeOriginal = 0x9003, FocalLength = 0x920A, LensModel = 0xA434,
        GpsLatitudeRef = 1, GpsLatitude = 2, GpsLongitudeRef = 3, GpsLongitude = 4, Xmp = 0x02BC;

    private const ushort ExifPointer = 0x8769, GpsPointer = 0x8825;
    private const ushort Byte = 1, Ascii = 2, Short = 3, Long = 4, Rational = 5, Undefined = 7, SLong = 9, SRational = 10;

    private readonly record struct Entry(ushort Type, uint Count, long ValueAt);

    private readonly ImageReader _reader;
    private readonly long _start, _length;
    private readonly bool _little;
    private readonly Dictionary<ushort, Entry> _ifd0 = [], _exif = [], _gps = [];

    private ExifDirectories(ImageReader reader, long start, long length, bool little)
    {
        _reader = reader;
        _start = start;
        _length = length;
        _little = little;
    }

    /// <summary>The directories of the block at <paramref name="start"/>, or null when it is not a TIFF structure.</summary>
    public static ExifDirectories? Read(ImageReader reader, long start, long length)
    {
        if (length < 8) return null;
        reader.Seek(start);
        var header = reader.Read(8);
        var little = header[0] == 'I' && header[1] == 'I';
        if (!little && !(header[0] == 'M' && header[1] == 'M')) return null;
        var directories = new ExifDirectories(reader, start, length, little);
        if (directories.U16(header[2..]) != 42) return null;
        directories.ReadDirectory(directories.U32(header[4..]), directories._ifd0);
        if (directories.Integer(directories._ifd0, ExifPointer) is { } exif) directories.ReadDirectory(exif, directories._exif);
        if (directories.Integer(directories._ifd0, GpsPointer) is { } gps) directories.ReadDirectory(gps, directories._gps);
        return directories;
    }

    public string? Text0(ushort tag) => Text(_ifd0, tag);
    public string? TextExif(ushort tag) => Text(_exif, tag);
    public string? TextGps(ushort tag) => Text(_gps, tag);
    public long? Integer0(ushort tag) => Integer(_ifd0, tag);
    public long? IntegerExif(ushort tag) => Integer(_exif, tag);
    /// <summary>Where an IFD0 value of bytes lies in the file (the XMP packet of a TIFF), or null when there is none.</summary>
    public (long Start, long Length)? Block0(ushort tag) =>
        _ifd0.TryGetValue(tag, out var entry) && entry.Type is Byte or Undefined ? (_start + entry.ValueAt, entry.Count) : null;

    public (long Numerator, long Denominator)? RationalExif(ushort tag) => Rationals(_exif, tag, 1) is [var r] ? r : null;
    public (long Numerator, long Denominator)[]? RationalsGps(ushort tag, int count) => Rationals(_gps, tag, count);

    private void ReadDirectory(long offset, Dictionary<ushort, Entry> into)
    {
        if (offset < 8 || offset + 2 > _length) return;
        _reader.Seek(_start + offset);
        int count = Math.Min((int)U16(_reader.Read(2)), MaxEntries);
        for (var i = 0; i < count && _reader.Position + 12 <= _start + _length; i++)
        {
            var raw = _reader.Read(12);
            var entry = new Entry(U16(raw[2..]), U32(raw[4..]), 0);
            var size = (long)entry.Count * TypeSize(entry.Type);
            // A value of four bytes or fewer sits in the entry itself; a larger one at an offset in the block.
            var at = size <= 4 ? _reader.Position - 4 - _start : U32(raw[8..]);
            if (size == 0 || at + size > _length) continue;
            into.TryAdd(U16(raw), entry with { ValueAt = at });
        }
    }

    private string? Text(Dictionary<ushort, Entry> directory, ushort tag)
    {
        if (!directory.TryGetValue(tag, out var entry) || entry.Type is not (Ascii or Undefined or Byte)) return null;
        var bytes = Bytes(entry, (int)Math.Min(entry.Count, MaxText));
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    private long? Integer(Dictionary<ushort, Entry> directory, ushort tag)
    {
        if (!directory.TryGetValue(tag, out var entry)) return null;
        return entry.Type switch
        {
            Byte => Bytes(entry, 1)[0],
            Short => U16(Bytes(entry, 2)),
            Long => U32(Bytes(entry, 4)),
            SLong => (int)U32(Bytes(entry, 4)),
            _ => null,
        };
    }

    private (long, long)[]? Rationals(Dictionary<ushort, Entry> directory, ushort tag, int count)
    {
        if (!directory.TryGetValue(tag, out var entry) || entry.Type is not (Rational or SRational) || entry.Count < count) return null;
        var bytes = Bytes(entry, 8 * count);
        var values = new (long, long)[count];
        for (var i = 0; i < count; i++)
        {
            long numerator = U32(bytes[(8 * i)..]), denominator = U32(bytes[(8 * i + 4)..]);
            values[i] = entry.Type == SRational ? ((int)numerator, (int)denominator) : (numerator, denominator);
        }
        return values;
    }

    private ReadOnlySpan<byte> Bytes(Entry entry, int count)
    {
        _reader.Seek(_start + entry.ValueAt);
        return _reader.Read(count);
    }

    private static int TypeSize(ushort type) => type switch
    {
        Byte or Ascii or Undefined or 6 => 1,
        Short or 8 => 2,
        Long or SLong or 11 => 4,
        Rational or SRational or 12 => 8,
        _ => 0, // unknown types are skipped
    };

    private ushort U16(ReadOnlySpan<byte> b) => _little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private uint U32(ReadOnlySpan<byte> b) => _little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
}
