using System.IO.Compression;

namespace Annotator.Testing.Hostile;

/// <summary>zlib streams (RFC 1950: header, deflate, Adler-32), the format inside IDAT, zTXt, iTXt and iCCP.</summary>
internal static class Zlib
{
    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(data);
        return output.ToArray();
    }

    /// <summary>
    /// A zlib stream that inflates to <paramref name="count"/> copies of <paramref name="value"/>.
    /// Deflate codes a run as 258-byte back-references of a bit or two each, about 1,000:1, so 1 GB
    /// comes to about 1 MB; zlib's default level finds those matches at once (1 GB in well under a
    /// second), where its smallest-size level spends over ten times as long for the same bytes.
    /// </summary>
    public static void WriteRun(Stream output, long count, byte value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var block = new byte[1 << 20];
        Array.Fill(block, value);
        using var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true);
        for (var left = count; left > 0; left -= block.Length)
            zlib.Write(block, 0, (int)Math.Min(block.Length, left));
    }
}
