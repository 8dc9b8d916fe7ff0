using System.Buffers.Binary;

namespace Annotator.Images;

/// <summary>
/// WebP: a RIFF file whose first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended: canvas size,
/// animation). All chunks are walked by their sizes to check they fit and to count animation frames.
/// </summary>
internal static class WebpInspector
{
    private const uint Vp8 = 0x56503820, Vp8L = 0x5650384C, Vp8X = 0x56503858, Anmf = 0x414E4D46;

    public static ImageHeader Inspect(ImageReader reader, long maxPixels)
    {
        reader.Truncation = "the WebP is truncated: it ends inside its header";
        var riff = reader.Read(12);
        long end = 8L + BinaryPrimitives.ReadUInt32LittleEndian(riff[4..]);
        if (end > reader.Length)
            throw Reject.Damaged($"the WebP is truncated: its header declares {end:N0} bytes but the file has only {reader.Length:N0}");

        var (first, firstSize) = NextChunk(reader, end);
        var image = reader.Peek((int)Math.Min(firstSize, 10));
        int width, height;
        bool animated = false;
        if (first == Vp8)
        {
            // Frame tag (3 bytes, bit 0 clear on a key frame), start code 9D 01 2A, then 14-bit sizes.
            if (image.Length < 10 || (image[0] & 1) != 0 || image[3] != 0x9D || image[4] != 0x01 || image[5] != 0x2A)
                throw Reject.Damaged("the WebP is damaged: its lossy (VP8) image header is invalid");
            width = BinaryPrimitives.ReadUInt16LittleEndian(image[6..]) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(image[8..]) & 0x3FFF;
        }
        else if (first == Vp8L)
        {
            // Signature 0x2F, then width-1 and height-1 in 14 bits each, and a 3-bit version that must be 0.
            if (image.Length < 5 || image[0] != 0x2F || (image[4] >> 5) != 0)
                throw Reject.Damaged("the WebP is damaged: its lossless (VP8L) image header is invalid");
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(image[1..]);
            width = (int)(bits & 0x3FFF) + 1;
            height = (int)((bits >> 14) & 0x3FFF) + 1;
        }
        else if (first == Vp8X)
        {
            // Flags, 3 reserved bytes, then canvas width-1 and height-1 in 24 bits each.
            if (image.Length < 10) throw Reject.Damaged("the WebP is damaged: its extended (VP8X) header is too short");
            animated = (image[0] & 0x02) != 0;
            width = UInt24(image[4..]) + 1;
            height = UInt24(image[7..]) + 1;
        }
        else throw Reject.Damaged($"the WebP is damaged: it starts with a '{Reject.FourCC(first)}' chunk instead of image data");
        Reject.CheckSize("the WebP", width, height, maxPixels);

        // The rest of the chunks: ALPH, ICCP, EXIF, ANIM, ANMF, VP8 ... each must fit in the file.
        reader.Skip(firstSize + (firstSize & 1));
        int frames = 0;
        bool sawImage = first != Vp8X;
        while (reader.Position < end)
        {
            var (type, size) = NextChunk(reader, end);
            if (type == Anmf)
            {
                frames++;
                CheckFrame(reader.Peek((int)Math.Min(size, 12)), frames, width, height);
            }
            else if (type is Vp8 or Vp8L) sawImage = true;
            reader.Skip(Math.Min(size + (size & 1), end - reader.Position)); // the last pad byte is often left off
        }

        if (animated)
        {
            if (frames == 0) throw Reject.Damaged("the WebP is damaged: it is marked animated but has no frames");
            return new ImageHeader(ImageFormat.WebP, width, height, frames);
        }
        if (!sawImage) throw Reject.Damaged("the WebP has no image data (no VP8 or VP8L chunk)");
        return new ImageHeader(ImageFormat.WebP, width, height);
    }

    /// <summary>Reads a chunk header and checks the chunk fits inside the RIFF data.</summary>
    private static (uint Type, long Size) NextChunk(ImageReader reader, long end)
    {
        reader.Truncation = "the WebP is truncated: it ends inside a chunk header";
        if (end - reader.Position < 8) throw reader.Truncated();
        var header = reader.Read(8);
        var type = BinaryPrimitives.ReadUInt32BigEndian(header);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (size > end - reader.Position)
            throw Reject.Damaged($"the WebP is truncated: its '{Reject.FourCC(type).TrimEnd()}' chunk runs past the end of the file");
        return (type, size);
    }

    // ANMF: X/2, Y/2, width-1, height-1 (24 bits each); a frame must lie inside the canvas.
    private static void CheckFrame(ReadOnlySpan<byte> frame, int number, int canvasWidth, int canvasHeight)
    {
        if (frame.Length < 12) throw Reject.Damaged($"the WebP is damaged: animation frame {number} has a short header");
        long x = UInt24(frame) * 2L, y = UInt24(frame[3..]) * 2L;
        long width = UInt24(frame[6..]) + 1L, height = UInt24(frame[9..]) + 1L;
        if (x + width > canvasWidth || y + height > canvasHeight)
            throw Reject.Damaged($"the WebP is damaged: animation frame {number} ({width}×{height} at {x}, {y}) lies outside its {canvasWidth}×{canvasHeight} canvas");
    }

    private static int UInt24(ReadOnlySpan<byte> bytes) => bytes[0] | bytes[1] << 8 | bytes[2] << 16;
}
