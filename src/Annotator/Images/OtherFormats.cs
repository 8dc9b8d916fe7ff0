using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Annotator.Images;

/// <summary>
/// Names what an upload is when it is none of the accepted formats, so the refusal tells the user
/// what they sent ("the file is a ZIP archive") rather than a bare "unrecognised". Only runs on refusals.
/// </summary>
internal static class OtherFormats
{
    public const string Accepted = "(JPEG, PNG, WebP, GIF, TIFF, AVIF, HEIC)";

    public static ImageRejectedException Describe(ReadOnlySpan<byte> head)
    {
        if (ImageFormatName(head) is { } format)
            return new(RejectionKind.Unsupported, $"{format} is not a supported format {Accepted}");
        var what = BinaryFormatName(head) ?? TextKind(head) ?? ExecutableName(head);
        return new(RejectionKind.NotAnImage, what ?? "not an image: unrecognised format");
    }

    /// <summary>Real images in formats the server does not take: the user can convert these.</summary>
    private static string? ImageFormatName(ReadOnlySpan<byte> head)
    {
        // "BM" alone could start a text file; a BMP also has one of the known DIB header sizes at 14.
        if (head.StartsWith("BM"u8) && head.Length >= 18
            && BinaryPrimitives.ReadUInt32LittleEndian(head[14..]) is 12 or 40 or 52 or 56 or 64 or 108 or 124) return "BMP";
        // ICO/CUR: reserved 0, type 1 or 2, a plausible image count, and a zero reserved byte in the first entry.
        if (head.Length >= 22 && head[0] == 0 && head[1] == 0 && head[2] is 1 or 2 && head[3] == 0
            && BinaryPrimitives.ReadUInt16LittleEndian(head[4..]) is > 0 and <= 256 && head[9] == 0)
            return head[2] == 1 ? "ICO (Windows icon)" : "CUR (Windows cursor)";
        if (head.StartsWith("8BPS"u8)) return "PSD (Photoshop)";
        if (Starts(head, [0, 0, 0, 0x0C, (byte)'j', (byte)'P', 0x20, 0x20]) || Starts(head, [0xFF, 0x4F, 0xFF, 0x51])) return "JPEG 2000";
        if (Starts(head, [0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', 0x20]) || Starts(head, [0xFF, 0x0A])) return "JPEG XL";
        if (Starts(head, [(byte)'I', (byte)'I', 0xBC])) return "JPEG XR";
        if (head.StartsWith("qoif"u8)) return "QOI";
        if (Starts(head, [0x76, 0x2F, 0x31, 0x01])) return "OpenEXR";
        if (head.StartsWith("#?RADIANCE"u8) || head.StartsWith("#?RGBE"u8)) return "Radiance HDR";
        if (head.StartsWith("DDS "u8)) return "DDS";
        if (head.StartsWith("gimp xcf"u8)) return "GIMP XCF";
        // Netpbm: "P1".."P7", whitespace, then a number or a comment.
        if (head.Length >= 4 && head[0] == 'P' && head[1] is >= (byte)'1' and <= (byte)'7'
            && head[2] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'
            && (char.IsAsciiDigit((char)head[3]) || head[3] == '#' || head[3] == '\n')) return "Netpbm (PBM/PGM/PPM)";
        return null;
    }

    private static string? BinaryFormatName(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("%PDF-"u8)) return "not an image: the file is a PDF document";
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8) || head.StartsWith("PK\x07\x08"u8))
            return "not an image: the file is a ZIP archive";
        if (Starts(head, [0x1F, 0x8B])) return "not an image: the file is a gzip archive";
        if (head.StartsWith("Rar!\x1A\x07"u8)) return "not an image: the file is a RAR archive";
        if (Starts(head, [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])) return "not an image: the file is a 7-Zip archive";
        if (head.StartsWith("RIFF"u8) && head.Length >= 12)
        {
            if (head[8..12].SequenceEqual("WAVE"u8)) return "not an image: the file is WAV audio";
            if (head[8..12].SequenceEqual("AVI "u8)) return "not an image: the file is an AVI video";
        }
        if (head.StartsWith("ID3"u8)) return "not an image: the file is MP3 audio";
        if (head.StartsWith("OggS"u8)) return "not an image: the file is Ogg audio or video";
        if (Starts(head, [0x1A, 0x45, 0xDF, 0xA3])) return "not an image: the file is a WebM or Matroska video";
        if (Starts(head, [0x7F, (byte)'E', (byte)'L', (byte)'F'])) return "not an image: the file is a program";
        return null;
    }

    // "MZ" could begin a text file, so it only counts once the bytes are known not to be text.
    private static string? ExecutableName(ReadOnlySpan<byte> head) =>
        head.StartsWith("MZ"u8) && head.Length >= 64 ? "not an image: the file is a Windows program" : null;

    private static readonly SearchValues<string> HtmlTags = SearchValues.Create(
        ["<html", "<!doctype html", "<head", "<body", "<script", "<iframe", "<div", "<meta", "<title"],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>SVG, HTML, XML or plain text, or null when the bytes are not text.</summary>
    private static string? TextKind(ReadOnlySpan<byte> head)
    {
        if (Decode(head) is not { } decoded) return null;
        var text = decoded.AsSpan().TrimStart("\uFEFF \t\r\n\f");
        // An SVG is refused by name: it is XML that a browser will run scripts from.
        if (text.StartsWith("<svg", StringComparison.OrdinalIgnoreCase)
            || (text.StartsWith('<') && text.Contains("<svg", StringComparison.OrdinalIgnoreCase)))
            return "SVG is not accepted: it can carry scripts";
        if (text.StartsWith('<') && text.ContainsAny(HtmlTags)) return "not an image: the file is HTML";
        if (text.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase)) return "not an image: the file is XML";
        return "not an image: the file is text";
    }

    /// <summary>The sniffed bytes as text (UTF-8, or UTF-16 with a byte-order mark), or null if they are binary.</summary>
    private static string? Decode(ReadOnlySpan<byte> head)
    {
        string text;
        if (Starts(head, [0xFF, 0xFE])) text = Encoding.Unicode.GetString(head[2..(head.Length & ~1)]);
        else if (Starts(head, [0xFE, 0xFF])) text = Encoding.BigEndianUnicode.GetString(head[2..(head.Length & ~1)]);
        else
        {
            var chars = new char[head.Length];
            // Not final: the sniffed prefix may cut a multi-byte character in half.
            if (Utf8.ToUtf16(head, chars, out _, out var written, replaceInvalidSequences: false, isFinalBlock: false)
                == OperationStatus.InvalidData) return null;
            text = new string(chars, 0, written);
        }
        foreach (var c in text)
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r' or '\f')) return null;
        return text;
    }

    // Lets byte magic numbers be written inline as [0xFF, 0xD8] (a bare collection expression would be int[]).
    private static bool Starts(ReadOnlySpan<byte> head, ReadOnlySpan<byte> magic) => head.StartsWith(magic);
}
