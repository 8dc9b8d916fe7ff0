using System.Buffers.Binary;

namespace Annotator.Images;

/// <summary>
/// GIF: the logical screen gives the size, then every block is walked to the trailer, counting frames.
/// Each frame's own rectangle is checked against the pixel limit too: decoders grow the canvas to fit
/// a frame, so a 32×32 screen can hide a frame that needs gigapixels.
/// </summary>
internal static class GifInspector
{
    private const byte ImageDescriptor = 0x2C, Extension = 0x21, Trailer = 0x3B;

    public static ImageHeader Inspect(ImageReader reader, long maxPixels)
    {
        reader.Truncation = "the GIF is truncated: it ends inside its header";
        var screen = reader.Read(13); // signature, then the logical screen descriptor
        int width = BinaryPrimitives.ReadUInt16LittleEndian(screen[6..]);
        int height = BinaryPrimitives.ReadUInt16LittleEndian(screen[8..]);
        Reject.CheckSize("the GIF", width, height, maxPixels);
        SkipColourTable(reader, screen[10]);

        var frames = 0;
        while (true)
        {
            // A file that stops cleanly after a whole frame is only missing its trailer byte, which
            // several encoders omit and every decoder forgives.
            if (reader.Remaining == 0 && frames > 0) break;
            reader.Truncation = "the GIF is truncated: it ends in the middle of a block";
            var block = reader.ReadByte();
            if (block == Trailer) break;
            if (block == Extension)
            {
                reader.Skip(1); // label: every extension is sub-blocks, whatever it is
                SkipSubBlocks(reader);
            }
            else if (block == ImageDescriptor)
            {
                frames++;
                CheckFrame(reader.Read(9), frames, width, height, maxPixels, out var packed);
                SkipColourTable(reader, packed);
                var codeSize = reader.ReadByte();
                if (codeSize is 0 or > 11) throw Reject.Damaged($"the GIF is damaged: frame {frames} declares an impossible LZW code size of {codeSize}");
                SkipSubBlocks(reader);
            }
            else throw Reject.Damaged($"the GIF is damaged: unexpected byte 0x{block:X2} where a block should start at byte {reader.Position - 1:N0}");
        }
        if (frames == 0) throw Reject.Damaged("the GIF has no frames: it contains no image");
        return new ImageHeader(ImageFormat.Gif, width, height, frames);
    }

    private static void CheckFrame(ReadOnlySpan<byte> descriptor, int frame, int screenWidth, int screenHeight, long maxPixels, out byte packed)
    {
        int left = BinaryPrimitives.ReadUInt16LittleEndian(descriptor);
        int top = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[2..]);
        int width = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[4..]);
        int height = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[6..]);
        packed = descriptor[8];
        // The canvas a decoder may allocate: the screen, grown to hold the frame where it sticks out.
        long canvasWidth = Math.Max(screenWidth, left + width), canvasHeight = Math.Max(screenHeight, top + height);
        var canvas = (ulong)(canvasWidth * canvasHeight);
        if (canvas > (ulong)maxPixels)
            throw Reject.TooManyPixels(
                $"the GIF's {screenWidth}×{screenHeight} screen holds frame {frame}, which declares {width}×{height} at ({left}, {top}) and needs a {canvasWidth}×{canvasHeight} canvas",
                canvas, maxPixels);
    }

    private static void SkipColourTable(ImageReader reader, byte packed)
    {
        if ((packed & 0x80) != 0) reader.Skip(3 << ((packed & 0x07) + 1));
    }

    // Data sub-blocks: a length byte, that many bytes, ... until a zero length.
    private static void SkipSubBlocks(ImageReader reader)
    {
        for (var size = reader.ReadByte(); size != 0; size = reader.ReadByte())
            reader.Skip(size);
    }
}
