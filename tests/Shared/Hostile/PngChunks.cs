using System.Buffers.Binary;
using System.Text;

namespace Annotator.Testing.Hostile;

/// <summary>
/// Writes PNG files chunk by chunk: length, type, data, and the CRC-32 over type and data that every
/// decoder and the upload inspector check. The CRC is computed here rather than taken from
/// System.IO.Hashing so the integration tests, which do not reference the core project, can use it too.
/// </summary>
internal static class PngChunks
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// A whole PNG: signature, IHDR (8-bit RGB), the <paramref name="ancillary"/> chunks, one IDAT with a
    /// real deflated image, IEND. Ancillary chunks go before IDAT, where eXIf, iCCP and text all may be.
    /// </summary>
    public static byte[] Png(int width, int height, params (string Type, byte[] Data)[] ancillary)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;  // bits per sample
        ihdr[9] = 2;  // colour type: RGB
        // compression, filter and interlace methods stay 0: deflate, adaptive, none
        Write(output, "IHDR", ihdr);

        foreach (var (type, data) in ancillary) Write(output, type, data);
        Write(output, "IDAT", Zlib.Compress(Pixels(width, height)));
        Write(output, "IEND", []);
        return output.ToArray();
    }

    public static void Write(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        output.Write(header);
        output.Write(data);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc(header[4..], data));
        output.Write(crc);
    }

    /// <summary>Keyword or name, then its NUL separator, as tEXt, zTXt, iTXt and iCCP all begin.</summary>
    public static void WriteKeyword(Stream output, string keyword)
    {
        if (keyword.Length is < 1 or > 79) throw new ArgumentException("A PNG keyword has 1 to 79 characters.", nameof(keyword));
        output.Write(Encoding.Latin1.GetBytes(keyword));
        output.WriteByte(0);
    }

    // Each row: filter type 0 (none), then RGB. A gentle gradient, so it is a picture and not a blank.
    private static byte[] Pixels(int width, int height)
    {
        var rows = new byte[checked(height * (1 + 3 * width))];
        for (int y = 0, at = 0; y < height; y++)
        {
            rows[at++] = 0;
            for (var x = 0; x < width; x++)
            {
                rows[at++] = (byte)(x * 255 / Math.Max(1, width - 1));
                rows[at++] = (byte)(y * 255 / Math.Max(1, height - 1));
                rows[at++] = 128;
            }
        }
        return rows;
    }

    private static uint Crc(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in type) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    // The reflected CRC-32 of ISO 3309 / ITU-T V.42 that PNG uses (polynomial 0xEDB88320).
    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
