using System.Buffers.Binary;

namespace Annotator.Images;

/// <summary>
/// JPEG: walks the marker segments by their lengths to the frame header (SOF) for the size, then runs
/// through every scan's entropy-coded data to the end-of-image marker. Walking by length steps over
/// APP1, so the EXIF thumbnail's own SOI..EOI is never mistaken for the end of the photo.
/// </summary>
internal static class JpegInspector
{
    private const byte Soi = 0xD8, Eoi = 0xD9, Sos = 0xDA, Tem = 0x01;

    /// <summary>
    /// Each progressive scan makes the decoder pass over every block of the image again, and the JPEG
    /// standard lets a scan of a flat image take a few bytes (EOB runs): 2,647 scans of 100 MP in 1 MB
    /// cost four CPU-minutes. Encoders write 10 (libjpeg's default script) to a few dozen; libjpeg-turbo
    /// advises decoders to set a limit (its report LJT-01-003), and so do we.
    /// </summary>
    public const int MaxScans = 100;

    public static ImageHeader Inspect(ImageReader reader, long maxPixels)
    {
        reader.Skip(2); // SOI, checked by the sniffer
        reader.Truncation = "the JPEG is truncated: it ends before the frame header that gives its size";
        int width = 0, height = 0;
        long wholeImageBytes = 0;
        bool sawFrame = false;
        var scans = 0;
        while (true)
        {
            var marker = NextMarker(reader);
            if (marker == Eoi)
            {
                if (!sawFrame) throw Reject.Damaged("the JPEG is damaged: it has no frame header (SOF marker), so its size is unknown");
                if (scans == 0) throw Reject.Damaged("the JPEG has no image data: it ends before any scan (SOS marker)");
                // Anything after EOI (a Motion Photo's video, an MPF second image) is not ours to judge.
                return new ImageHeader(ImageFormat.Jpeg, width, height) { WholeImageBytes = wholeImageBytes };
            }
            if (marker == Soi) throw Reject.Damaged("the JPEG is damaged: a second start-of-image marker appears inside it");
            if (marker is Tem or >= 0xD0 and <= 0xD7) continue; // standalone markers: no length follows

            var length = BinaryPrimitives.ReadUInt16BigEndian(reader.Read(2));
            if (length < 2) throw Reject.Damaged($"the JPEG is damaged: marker 0xFF{marker:X2} has an impossible length of {length}");
            if (IsFrameHeader(marker) && !sawFrame)
            {
                if (length < 8) throw Reject.Damaged("the JPEG is damaged: its frame header is too short");
                var frame = reader.Read(6); // precision, height, width, component count
                height = BinaryPrimitives.ReadUInt16BigEndian(frame[1..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(frame[3..]);
                Reject.CheckSize("the JPEG", width, height, maxPixels);
                var components = reader.Read(Math.Min(frame[5] * 3, length - 8));
                if (IsProgressive(marker)) wholeImageBytes = CoefficientBytes(width, height, components);
                sawFrame = true;
                reader.Truncation = "the JPEG is truncated: it ends before its image data begins";
                reader.Skip(length - 8 - components.Length);
            }
            else if (marker == Sos)
            {
                if (!sawFrame) throw Reject.Damaged("the JPEG is damaged: its image data starts before the frame header that gives its size");
                reader.Skip(length - 2);
                if (++scans > MaxScans)
                    throw new ImageRejectedException(RejectionKind.TooCostly,
                        $"the JPEG has more than {MaxScans} progressive scans (photos have about 10); each one costs a pass over the whole image: save it again as a normal JPEG");
                // From here on, an early end means the picture data itself is cut short.
                reader.Truncation = "the JPEG is truncated: its data ends before the end-of-image marker";
            }
            else reader.Skip(length - 2);
        }
    }

    // SOF2, 6, 10, 14: progressive, Huffman or arithmetic, sequential or hierarchical.
    private static bool IsProgressive(byte marker) => marker is 0xC2 or 0xC6 or 0xCA or 0xCE;

    /// <summary>
    /// libjpeg's coefficient buffer for a progressive image: 64 two-byte coefficients per 8×8 block of each
    /// component, each component subsampled by its sampling factors against the largest.
    /// </summary>
    private static long CoefficientBytes(int width, int height, ReadOnlySpan<byte> components)
    {
        int hMax = 1, vMax = 1;
        for (var i = 0; i + 2 < components.Length; i += 3)
        {
            hMax = Math.Max(hMax, components[i + 1] >> 4);
            vMax = Math.Max(vMax, components[i + 1] & 0x0F);
        }
        long bytes = 0;
        for (var i = 0; i + 2 < components.Length; i += 3)
        {
            int h = Math.Max(1, components[i + 1] >> 4), v = Math.Max(1, components[i + 1] & 0x0F);
            long columns = ((long)width * h + hMax * 8 - 1) / (hMax * 8), rows = ((long)height * v + vMax * 8 - 1) / (vMax * 8);
            bytes += columns * rows * 64 * 2;
        }
        return bytes;
    }

    // SOF0-3, 5-7, 9-11, 13-15; C4 (DHT), C8 (reserved) and CC (DAC) are not frame headers.
    private static bool IsFrameHeader(byte marker) => marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);

    /// <summary>
    /// Finds the next marker and moves past it. After a scan this skips the entropy-coded data, where
    /// 0xFF 0x00 is a stuffed data byte, 0xFF 0xD0-D7 a restart marker and repeated 0xFF fill; the first
    /// 0xFF followed by anything else is the next marker (DHT, SOS of the next progressive scan, EOI ...).
    /// Between segments the marker is normally the very next byte; stray bytes are skipped as libjpeg does.
    /// </summary>
    private static byte NextMarker(ImageReader reader)
    {
        while (true)
        {
            var window = reader.Window();
            if (window.IsEmpty) throw reader.Truncated();
            var at = window.IndexOf((byte)0xFF);
            if (at < 0)
            {
                reader.Advance(window.Length);
                continue;
            }
            reader.Advance(at);
            var code = reader.Peek(2)[1];
            if (code is 0x00 or 0xFF or >= 0xD0 and <= 0xD7)
            {
                reader.Advance(code == 0xFF ? 1 : 2); // a fill 0xFF may itself start the marker
                continue;
            }
            reader.Advance(2);
            return code;
        }
    }
}
