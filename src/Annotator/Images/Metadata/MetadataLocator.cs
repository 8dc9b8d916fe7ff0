using System.Buffers;
using System.Buffers.Binary;

namespace Annotator.Images.Metadata;

/// <summary>
/// Finds the EXIF block (a TIFF structure) and the XMP packet inside a JPEG, PNG, WebP, TIFF, HEIC or AVIF
/// file, walking the container by its segment, chunk or box lengths without inflating or decoding anything:
/// a hostile file costs one linear pass over its headers, never memory in proportion to what it claims.
/// </summary>
internal static class MetadataLocator
{
    /// <summary>Where each block is in the file; null when the file has none (or none that can be read uninflated).</summary>
    public readonly record struct Blocks((long Start, long Length)? Exif, (long Start, long Length)? Xmp);

    private const uint PngExif = 0x65584966, PngItxt = 0x69545874, PngIdat = 0x49444154, PngIend = 0x49454E44,
        RiffExif = 0x45584946, RiffXmp = 0x584D5020, HeifMetaBox = 0x6D657461;

    // 'meta' is first or second in every HEIF seen; its item lists are a few KB. Past these, no metadata.
    private const int MaxHeifBoxes = 64, MaxMetaBytes = 1024 * 1024;

    private static ReadOnlySpan<byte> JpegXmp => "http://ns.adobe.com/xap/1.0/\0"u8;

    private static ReadOnlySpan<byte> PngXmpKeyword => "XML:com.adobe.xmp\0"u8;

    public static Blocks Find(ImageReader reader)
    {
        var head = reader.Peek((int)Math.Min(reader.Length, 12));
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8])) return InJpeg(reader);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])) return InPng(reader);
        if (head.StartsWith("RIFF"u8) && head.Length >= 12 && head[8..12].SequenceEqual("WEBP"u8)) return InWebp(reader);
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8)) return new((0, reader.Length), null); // a TIFF's IFD0 is its EXIF IFD0
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8)) return InHeif(reader);
        return default;
    }

    /// <summary>APP1 segments starting "Exif\0\0" or with the XMP namespace, before the first scan.</summary>
    private static Blocks InJpeg(ImageReader reader)
    {
        (long, long)? exif = null, xmp = null;
        reader.Skip(2);
        while (reader.Remaining >= 4 && (exif is null || xmp is null))
        {
            var marker = reader.Read(4);
            if (marker[0] != 0xFF || marker[1] is 0xDA or 0xD9) break; // garbage, start of scan, or end of image
            var length = BinaryPrimitives.ReadUInt16BigEndian(marker[2..]) - 2;
            if (length < 0) break;
            var data = Math.Min(length, reader.Remaining);
            if (marker[1] == 0xE1 && exif is null && data > 6 && reader.Peek(6).SequenceEqual("Exif\0\0"u8))
                exif = (reader.Position + 6, data - 6);
            else if (marker[1] == 0xE1 && xmp is null && data > JpegXmp.Length && reader.Peek(JpegXmp.Length).SequenceEqual(JpegXmp))
                xmp = (reader.Position + JpegXmp.Length, data - JpegXmp.Length);
            if (length > reader.Remaining) break;
            reader.Skip(length);
        }
        return new(exif, xmp);
    }

    /// <summary>
    /// The eXIf chunk and an uncompressed iTXt "XML:com.adobe.xmp", which writers place before the image data.
    /// A compressed iTXt is left alone: nothing is ever inflated.
    /// </summary>
    private static Blocks InPng(ImageReader reader)
    {
        (long, long)? exif = null, xmp = null;
        reader.Skip(8);
        while (reader.Remaining >= 12 && (exif is null || xmp is null))
        {
            var header = reader.Read(8);
            long length = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            if (length + 4 > reader.Remaining || type is PngIdat or PngIend) break;
            if (type == PngExif) exif ??= (reader.Position, length);
            else if (type == PngItxt && xmp is null && ItxtText(reader.Peek((int)Math.Min(length, 256))) is { } skip)
                xmp = (reader.Position + skip, length - skip);
            reader.Skip(length + 4); // data and CRC
        }
        return new(exif, xmp);
    }

    /// <summary>
    /// Where the text starts in an XMP iTXt: keyword, compression flag (0) and method, then a language tag
    /// and a translated keyword each ended by a zero byte. Null for any other iTXt.
    /// </summary>
    private static int? ItxtText(ReadOnlySpan<byte> head)
    {
        if (!head.StartsWith(PngXmpKeyword) || head.Length < PngXmpKeyword.Length + 2 || head[PngXmpKeyword.Length] != 0) return null;
        var at = PngXmpKeyword.Length + 2;
        for (var field = 0; field < 2; field++)
        {
            var end = head[at..].IndexOf((byte)0);
            if (end < 0) return null;
            at += end + 1;
        }
        return at;
    }

    /// <summary>The RIFF 'EXIF' chunk (some writers start it with JPEG's "Exif\0\0" too) and the 'XMP ' chunk.</summary>
    private static Blocks InWebp(ImageReader reader)
    {
        (long, long)? exif = null, xmp = null;
        reader.Skip(12);
        while (reader.Remaining >= 8 && (exif is null || xmp is null))
        {
            var header = reader.Read(8);
            var type = BinaryPrimitives.ReadUInt32BigEndian(header);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (size > reader.Remaining) break;
            if (type == RiffExif)
                exif ??= size > 6 && reader.Peek(6).SequenceEqual("Exif\0\0"u8) ? (reader.Position + 6, size - 6) : (reader.Position, size);
            else if (type == RiffXmp) xmp ??= (reader.Position, size);
            reader.Skip(Math.Min(size + (size & 1), reader.Remaining));
        }
        return new(exif, xmp);
    }

    /// <summary>The 'Exif' and XMP items of a HEIC or AVIF, found through its 'meta' box (see <see cref="HeifMeta"/>).</summary>
    private static Blocks InHeif(ImageReader reader)
    {
        for (var box = 0; box < MaxHeifBoxes && reader.Remaining >= 8; box++)
        {
            var header = reader.Read(8);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            var headerSize = 8;
            if (size == 1 && reader.Remaining >= 8)
            {
                var large = BinaryPrimitives.ReadUInt64BigEndian(reader.Read(8));
                size = large > long.MaxValue ? long.MaxValue : (long)large;
                headerSize = 16;
            }
            else if (size == 0) size = headerSize + reader.Remaining; // "to the end of the file"
            var body = size - headerSize;
            if (body < 0 || body > reader.Remaining) break;
            if (type == HeifMetaBox) return body > MaxMetaBytes ? default : FromMeta(reader, (int)body);
            reader.Skip(body);
        }
        return default;
    }

    private static Blocks FromMeta(ImageReader reader, int length)
    {
        var metaAt = reader.Position;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        HeifMeta.Extent? exif, xmp;
        try
        {
            reader.ReadExactly(buffer.AsSpan(0, length));
            (exif, xmp) = new HeifMeta("the HEIF image").MetadataItems(buffer.AsSpan(0, length), metaAt);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new(exif is { } e ? ExifPayload(reader, e) : null, xmp is { } x && Fits(reader, x) ? (x.Start, x.Length) : null);
    }

    /// <summary>
    /// An 'Exif' item starts with the 32-bit offset of its TIFF header from there, usually past "Exif\0\0";
    /// some writers say 0 and keep the "Exif\0\0" anyway.
    /// </summary>
    private static (long, long)? ExifPayload(ImageReader reader, HeifMeta.Extent item)
    {
        if (!Fits(reader, item) || item.Length < 4 + 8) return null;
        reader.Seek(item.Start);
        long skip = BinaryPrimitives.ReadUInt32BigEndian(reader.Read(4));
        if (skip > item.Length - 4 - 8) return null;
        reader.Skip(skip);
        if (item.Length - 4 - skip > 6 + 8 && reader.Peek(6).SequenceEqual("Exif\0\0"u8)) skip += 6;
        return (item.Start + 4 + skip, item.Length - 4 - skip);
    }

    private static bool Fits(ImageReader reader, HeifMeta.Extent item) =>
        item.Start >= 0 && item.Length > 0 && item.Start <= reader.Length - item.Length;
}
