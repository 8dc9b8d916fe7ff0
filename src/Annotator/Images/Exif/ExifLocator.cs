using System.Buffers.Binary;

namespace Annotator.Images.Exif;

/// <summary>
/// Finds the EXIF block (a TIFF structure) inside a JPEG, PNG, WebP or TIFF file, walking the container
/// by its segment, chunk or box lengths without inflating or decoding anything: a hostile file costs one
/// linear pass over its headers, never memory in proportion to what it claims.
/// </summary>
internal static class ExifLocator
{
    private const uint PngExif = 0x65584966, PngIdat = 0x49444154, PngIend = 0x49454E44, RiffExif = 0x45584946;

    /// <summary>The block's offset and length in the file, or null when the file carries no EXIF.</summary>
    public static (long Start, long Length)? Find(ImageReader reader)
    {
        var head = reader.Peek((int)Math.Min(reader.Length, 12));
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8])) return InJpeg(reader);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])) return InPng(reader);
        if (head.StartsWith("RIFF"u8) && head.Length >= 12 && head[8..12].SequenceEqual("WEBP"u8)) return InWebp(reader);
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8)) return (0, reader.Length); // a TIFF's IFD0 is its EXIF IFD0
        return null;
    }

    /// <summary>APP1 segments starting "Exif\0\0", before the first scan.</summary>
    private static (long, long)? InJpeg(ImageReader reader)
    {
        reader.Skip(2);
        while (reader.Remaining >= 4)
        {
            var marker = reader.Read(4);
            if (marker[0] != 0xFF || marker[1] is 0xDA or 0xD9) return null; // garbage, start of scan, or end of image
            var length = BinaryPrimitives.ReadUInt16BigEndian(marker[2..]) - 2;
            if (length < 0) return null;
            if (marker[1] == 0xE1 && length > 6 && reader.Remaining >= 6 && reader.Peek(6).SequenceEqual("Exif\0\0"u8))
                return (reader.Position + 6, Math.Min(length - 6, reader.Remaining - 6));
            if (length > reader.Remaining) return null;
            reader.Skip(length);
        }
        return null;
    }

    /// <summary>The eXIf chunk, which the PNG specification places before the image data.</summary>
    private static (long, long)? InPng(ImageReader reader)
    {
        reader.Skip(8);
        while (reader.Remaining >= 12)
        {
            var header = reader.Read(8);
            long length = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            if (length + 4 > reader.Remaining || type is PngIdat or PngIend) return null;
            if (type == PngExif) return (reader.Position, length);
            reader.Skip(length + 4); // data and CRC
        }
        return null;
    }

    /// <summary>The RIFF 'EXIF' chunk; some writers start it with JPEG's "Exif\0\0" too.</summary>
    private static (long, long)? InWebp(ImageReader reader)
    {
        reader.Skip(12);
        while (reader.Remaining >= 8)
        {
            var header = reader.Read(8);
            var type = BinaryPrimitives.ReadUInt32BigEndian(header);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (size > reader.Remaining) return null;
            if (type == RiffExif)
                return size > 6 && reader.Peek(6).SequenceEqual("Exif\0\0"u8) ? (reader.Position + 6, size - 6) : (reader.Position, size);
            reader.Skip(Math.Min(size + (size & 1), reader.Remaining));
        }
        return null;
    }
}
