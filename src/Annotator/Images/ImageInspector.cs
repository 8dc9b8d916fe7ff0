namespace Annotator.Images;

/// <summary>
/// The upload-time check: what an image really is, how big it says it is, and whether its structure
/// holds together. Runs on the web tier for every upload, so it never decodes pixels and streams
/// through the file with one pooled buffer.
/// </summary>
public static class ImageInspector
{
    // Enough to tell every format apart and to find "<svg" after an XML prolog, doctype or comment.
    private const int SniffLength = 1024;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// Reads a seekable stream positioned anywhere (seek to 0 first), sniffs the real format from the bytes,
    /// reads the header dimensions, and runs cheap structural integrity checks WITHOUT decoding pixels.
    /// Throws ImageRejectedException (kind + one-line human reason) for anything not acceptable.
    public static ImageHeader Inspect(Stream content, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        if (!content.CanSeek) throw new ArgumentException("The upload must be buffered in a seekable stream.", nameof(content));

        using var reader = new ImageReader(content);
        if (reader.Length == 0) throw new ImageRejectedException(RejectionKind.Empty, "the file is empty");
        reader.Truncation = "not an image: the file is too short to be one";

        // The magic bytes decide, never the name or the declared content type.
        var head = reader.Peek((int)Math.Min(reader.Length, SniffLength));
        if (Starts(head, [0xFF, 0xD8, 0xFF])) return JpegInspector.Inspect(reader, maxPixels);
        if (head.StartsWith(PngSignature)) return PngInspector.Inspect(reader, maxPixels);
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return GifInspector.Inspect(reader, maxPixels);
        if (head.StartsWith("RIFF"u8) && head.Length >= 12 && head[8..12].SequenceEqual("WEBP"u8))
            return WebpInspector.Inspect(reader, maxPixels);
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8) || head.StartsWith("II+\0"u8) || head.StartsWith("MM\0+"u8))
            return TiffInspector.Inspect(reader, maxPixels);
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8)) return HeifInspector.Inspect(reader, maxPixels);
        throw OtherFormats.Describe(head);
    }

    // Lets byte magic numbers be written inline as [0xFF, 0xD8] (a bare collection expression would be int[]).
    private static bool Starts(ReadOnlySpan<byte> head, ReadOnlySpan<byte> magic) => head.StartsWith(magic);
}
