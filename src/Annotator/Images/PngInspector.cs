using System.Buffers.Binary;
using System.IO.Hashing;

namespace Annotator.Images;

/// <summary>
/// PNG: IHDR must come first and gives the size; then every chunk's CRC-32 is checked (without
/// inflating IDAT) up to IEND. A CRC covers the chunk type and data, so a flipped bit anywhere in
/// the file is caught here rather than half-way through a decode.
/// </summary>
internal static class PngInspector
{
    private const uint Ihdr = 0x49484452, Plte = 0x504C5445, Idat = 0x49444154, Iend = 0x49454E44, Actl = 0x6163544C, Fctl = 0x6663544C;

    public static ImageHeader Inspect(ImageReader reader, long maxPixels)
    {
        reader.Skip(8); // signature, checked by the sniffer
        reader.Truncation = "the PNG is truncated: it ends inside its IHDR header";
        var ihdr = reader.Peek(8 + 13);
        if (BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]) != Ihdr || BinaryPrimitives.ReadUInt32BigEndian(ihdr) != 13)
            throw Reject.Damaged("the PNG is damaged: it does not start with its IHDR header chunk");
        var width = BinaryPrimitives.ReadUInt32BigEndian(ihdr[8..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[12..]);
        Reject.CheckSize("the PNG", width, height, maxPixels);
        var bitDepth = ihdr[16];
        var colourType = ihdr[17];
        if (!ValidDepth(colourType, bitDepth) || ihdr[18] != 0 || ihdr[19] != 0 || ihdr[20] > 1)
            throw Reject.Damaged($"the PNG is damaged: its header declares an impossible pixel format (colour type {colourType}, {bitDepth}-bit)");

        var crc = new Crc32();
        var frameControls = 0;
        bool animated = false, sawPalette = false, sawData = false;
        while (true)
        {
            reader.Truncation = "the PNG is truncated: it ends before its IEND end marker";
            var header = reader.Read(8);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            if (!IsChunkName(header[4..]))
                throw Reject.Damaged($"the PNG is damaged: garbage where a chunk should start at byte {reader.Position - 8:N0}");
            if (length > int.MaxValue) throw Reject.Damaged($"the PNG is damaged: chunk {Reject.FourCC(type)} declares an impossible length");
            // Known sizes let a cut-off file be named as such before any of the chunk is read.
            if (length + 4L > reader.Remaining)
                throw Reject.Damaged($"the PNG is truncated: it ends inside chunk {Reject.FourCC(type)}, before the IEND end marker");

            crc.Reset();
            crc.Append(header[4..]);
            // An APNG's frames are counted, not taken from what its acTL declares: one fcTL chunk per frame.
            if (type == Actl) animated = true;
            else if (type == Fctl) frameControls++;
            for (long left = length; left > 0;)
            {
                var part = reader.ReadSome(left);
                crc.Append(part);
                left -= part.Length;
            }
            if (crc.GetCurrentHashAsUInt32() != BinaryPrimitives.ReadUInt32BigEndian(reader.Read(4)))
                throw Reject.Damaged($"the PNG is damaged: chunk {Reject.FourCC(type)} fails its checksum");

            if (type == Plte) sawPalette = true;
            else if (type == Idat)
            {
                if (colourType == 3 && !sawPalette) throw Reject.Damaged("the PNG is damaged: its image data comes before the palette it needs");
                sawData = true;
            }
            else if (type == Iend) break; // bytes after IEND are ignored by every decoder
        }
        if (!sawData) throw Reject.Damaged("the PNG has no image data (no IDAT chunk)");
        // Adam7 interlacing: the decoder holds every pixel until the last pass (palette images expand to RGBA).
        var wholeImageBytes = ihdr[20] == 1 ? (long)width * height * Channels(colourType) * (bitDepth == 16 ? 2 : 1) : 0;
        return new ImageHeader(ImageFormat.Png, (int)width, (int)height, animated ? Math.Max(frameControls, 1) : 1) { WholeImageBytes = wholeImageBytes };
    }

    private static bool IsChunkName(ReadOnlySpan<byte> name) =>
        char.IsAsciiLetter((char)name[0]) && char.IsAsciiLetter((char)name[1])
        && char.IsAsciiLetter((char)name[2]) && char.IsAsciiLetter((char)name[3]);

    private static int Channels(byte colourType) => colourType switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };

    // The colour type / bit depth pairs the PNG specification allows.
    private static bool ValidDepth(byte colourType, byte bitDepth) => colourType switch
    {
        0 => bitDepth is 1 or 2 or 4 or 8 or 16,
        3 => bitDepth is 1 or 2 or 4 or 8,
        2 or 4 or 6 => bitDepth is 8 or 16,
        _ => false,
    };
}
