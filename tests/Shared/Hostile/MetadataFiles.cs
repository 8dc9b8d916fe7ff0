using System.Buffers.Binary;
using System.Text;

namespace Annotator.Testing.Hostile;

/// <summary>
/// Files that carry metadata and nothing else worth decoding: XMP packets in each container, and HEIF 'meta'
/// boxes built item by item so a test can make each list or location wrong on purpose. The metadata reader
/// reads headers only, so the pixels (a JPEG's scan, a HEIC's coded tiles) can be absent.
/// </summary>
public static class MetadataFiles
{
    /// <summary>An XMP packet in its usual wrapper, with <paramref name="description"/> inside one rdf:Description.</summary>
    public static string Xmp(string description) =>
        "<?xpacket begin='\uFEFF' id='W5M0MpCehiHzreSzNTczkc9d'?>"
        + "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        + "<rdf:Description rdf:about='' xmlns:tiff='http://ns.adobe.com/tiff/1.0/' xmlns:exif='http://ns.adobe.com/exif/1.0/'"
        + " xmlns:exifEX='http://cipa.jp/exif/1.0/' xmlns:aux='http://ns.adobe.com/exif/1.0/aux/'"
        + " xmlns:xmp='http://ns.adobe.com/xap/1.0/' xmlns:photoshop='http://ns.adobe.com/photoshop/1.0/'"
        + description + "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>";

    /// <summary>SOI, the given APP1 segments, then a start of scan (where metadata ends).</summary>
    public static byte[] Jpeg(params byte[][] app1Payloads)
    {
        var output = new MemoryStream();
        output.Write([0xFF, 0xD8]);
        foreach (var payload in app1Payloads) Segment(output, 0xE1, payload);
        Segment(output, 0xDA, [0, 0, 0]);
        return output.ToArray();
    }

    public static byte[] JpegXmpPayload(string xmp) => [.. "http://ns.adobe.com/xap/1.0/\0"u8, .. Encoding.UTF8.GetBytes(xmp)];

    /// <summary>An EXIF APP1 payload with IFD0 holding only Make and Model.</summary>
    public static byte[] JpegExifPayload(string make, string model)
    {
        var strings = Encoding.ASCII.GetBytes(make + "\0" + model + "\0");
        var tiff = new byte[8 + 2 + 2 * 12 + 4 + strings.Length];
        "MM\0*"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 2);
        var valuesAt = 8 + 2 + 2 * 12 + 4;
        Entry(tiff.AsSpan(10), 0x010F, make.Length + 1, valuesAt);
        Entry(tiff.AsSpan(22), 0x0110, model.Length + 1, valuesAt + make.Length + 1);
        strings.CopyTo(tiff, valuesAt);
        return [.. "Exif\0\0"u8, .. tiff];

        static void Entry(Span<byte> at, ushort tag, int count, int offset)
        {
            BinaryPrimitives.WriteUInt16BigEndian(at, tag);
            BinaryPrimitives.WriteUInt16BigEndian(at[2..], 2); // ASCII
            BinaryPrimitives.WriteInt32BigEndian(at[4..], count);
            BinaryPrimitives.WriteInt32BigEndian(at[8..], offset);
        }
    }

    /// <summary>A big-endian TIFF whose IFD0 holds only the packet, in tag 700 as bytes (no pixels: the reader needs none).</summary>
    public static byte[] TiffWithXmp(string xmp)
    {
        var packet = Encoding.UTF8.GetBytes(xmp);
        return [.. "MM\0*"u8, .. U32(8), .. U16(1), .. U16(700), .. U16(1), .. U32(packet.Length), .. U32(8 + 2 + 12 + 4), .. U32(0), .. packet];
    }

    /// <summary>A PNG with the packet in an uncompressed iTXt "XML:com.adobe.xmp", as Adobe writes it.</summary>
    public static byte[] PngWithXmp(string xmp) =>
        PngChunks.Png(4, 4, ("iTXt", [.. "XML:com.adobe.xmp\0"u8, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(xmp)]));

    /// <summary>A lossless 1×1 WebP with an 'XMP ' chunk after its image.</summary>
    public static byte[] WebpWithXmp(string xmp)
    {
        var output = new MemoryStream();
        output.Write("RIFF\0\0\0\0WEBP"u8);
        Chunk(output, "VP8L", [0x2F, 0, 0, 0, 0]);
        Chunk(output, "XMP ", Encoding.UTF8.GetBytes(xmp));
        var file = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)file.Length - 8);
        return file;

        static void Chunk(MemoryStream output, string type, byte[] data)
        {
            output.Write(Encoding.ASCII.GetBytes(type));
            Span<byte> size = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)data.Length);
            output.Write(size);
            output.Write(data);
            if (data.Length % 2 == 1) output.WriteByte(0);
        }
    }

    /// <summary>One HEIF item: its type ('Exif', 'mime' ...), the content type of a 'mime' item, its bytes.</summary>
    public sealed record HeifItem(string Type, string? ContentType, byte[] Data);

    /// <summary>
    /// A HEIC: 'ftyp', a 'meta' listing <paramref name="items"/> (ids from 1) and locating each in 'mdat' with a
    /// version-1 'iloc' of 4-byte fields; <paramref name="locate"/> may change each item's (offset, length) first.
    /// </summary>
    public static byte[] Heic(HeifItem[] items, Func<int, (long Offset, long Length), (long Offset, long Length)>? locate = null)
    {
        var ftyp = Box("ftyp", [.. "heic"u8, 0, 0, 0, 0, .. "mif1heic"u8]);
        var metaLength = Meta(items, new (long, long)[items.Length]).Length; // the offsets do not change its size
        var at = ftyp.Length + metaLength + 8L;
        var extents = new (long, long)[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            extents[i] = locate?.Invoke(i + 1, (at, items[i].Data.Length)) ?? (at, items[i].Data.Length);
            at += items[i].Data.Length;
        }
        return [.. ftyp, .. Meta(items, extents), .. Box("mdat", [.. items.SelectMany(i => i.Data)])];
    }

    /// <summary>An 'Exif' item's bytes: the offset of the TIFF header (6, past "Exif\0\0"), then the APP1-style payload.</summary>
    public static byte[] HeifExifItem(string make, string model) => [0, 0, 0, 6, .. JpegExifPayload(make, model)];

    /// <summary>
    /// A 'meta' box listing the items and locating each at its extent: in the file (construction method 0), or,
    /// with <paramref name="idat"/>, in that 'idat' box (method 1, offsets from its start).
    /// </summary>
    public static byte[] Meta(HeifItem[] items, (long Offset, long Length)[] extents, byte[]? idat = null)
    {
        var method = (byte)(idat is null ? 0 : 1);
        var infes = items.Select((item, i) => FullBox("infe", 2,
            [.. U16(i + 1), 0, 0, .. Encoding.ASCII.GetBytes(item.Type), 0, .. item.ContentType is { } type ? [.. Encoding.ASCII.GetBytes(type), (byte)0] : Array.Empty<byte>()]));
        var iinf = FullBox("iinf", 0, [.. U16(items.Length), .. infes.SelectMany(b => b)]);
        var iloc = FullBox("iloc", 1, [0x44, 0x00, .. U16(items.Length), .. extents.SelectMany((e, i) =>
            (byte[])[.. U16(i + 1), 0, method, 0, 0, 0, 1, .. U32(e.Offset), .. U32(e.Length)])]); // id, method, this file, one extent
        byte[] data = idat is null ? [] : Box("idat", idat);
        return FullBox("meta", 0, [.. FullBox("hdlr", 0, [0, 0, 0, 0, .. "pict"u8, .. new byte[13]]), .. iinf, .. data, .. iloc]);
    }

    public static byte[] Box(string type, byte[] body) => [.. U32(8 + body.Length), .. Encoding.ASCII.GetBytes(type), .. body];

    public static byte[] FullBox(string type, byte version, byte[] body) => Box(type, [version, 0, 0, 0, .. body]);

    private static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];

    private static byte[] U32(long value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static void Segment(MemoryStream output, byte marker, byte[] payload)
    {
        output.Write([0xFF, marker, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2)]);
        output.Write(payload);
    }
}
