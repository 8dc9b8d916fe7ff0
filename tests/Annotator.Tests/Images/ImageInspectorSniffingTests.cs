using System.Text;
using Annotator.Images;
using static Annotator.Tests.Images.Upload;

namespace Annotator.Tests.Images;

/// <summary>Uploads that are not accepted images, refused by what they really are, whatever their name.</summary>
public class ImageInspectorSniffingTests
{
    private const string Supported = "is not a supported format (JPEG, PNG, WebP, GIF, TIFF, AVIF, HEIC)";

    public static TheoryData<string, string> Texts => new()
    {
        { "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "SVG is not accepted: it can carry scripts" },
        { "\uFEFF\n  <?xml version=\"1.0\"?>\n<!-- drawn by hand -->\n<svg><script>alert(1)</script></svg>", "SVG is not accepted: it can carry scripts" },
        { "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\"><svg/>", "SVG is not accepted: it can carry scripts" },
        { "<!DOCTYPE html>\n<html><body>hello</body></html>", "not an image: the file is HTML" },
        { "  <script>fetch('/api/keys')</script>", "not an image: the file is HTML" },
        { "<?xml version=\"1.0\"?><note>hi</note>", "not an image: the file is XML" },
        { "{\"photo\": \"not really\"}", "not an image: the file is text" },
        { "BMW is a car, not a bitmap.", "not an image: the file is text" },
        { "Grüße aus Köln", "not an image: the file is text" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Names_text_uploads(string text, string reason)
    {
        var refusal = Refuse(Encoding.UTF8.GetBytes(text));

        Assert.Equal(RejectionKind.NotAnImage, refusal.Kind);
        Assert.Equal(reason, refusal.Message);
    }

    [Fact]
    public void Names_an_svg_saved_as_utf16()
    {
        var refusal = Refuse(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("<svg></svg>")).ToArray());

        Assert.Equal("SVG is not accepted: it can carry scripts", refusal.Message);
    }

    public static TheoryData<byte[], string> OtherFiles => new()
    {
        { [.. "%PDF-1.7\n%\u00E2\u00E3\n1 0 obj"u8], "not an image: the file is a PDF document" },
        { [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 3], "not an image: the file is a gzip archive" },
        { [0, 0, 0, 0x20, .. "ftypisom\0\0\x02\0isomiso2avc1mp41"u8], "not an image: the file is an MP4 or QuickTime video" },
        { [.. "RIFF"u8, 36, 0, 0, 0, .. "WAVEfmt "u8], "not an image: the file is WAV audio" },
        { [0x00, 0x01, 0x02, 0xFE, 0x80, 0x81, 0x7F, 0x00], "not an image: unrecognised format" },
    };

    [Theory]
    [MemberData(nameof(OtherFiles))]
    public void Names_documents_archives_and_media(byte[] bytes, string reason)
    {
        var refusal = Refuse(bytes);

        Assert.Equal(RejectionKind.NotAnImage, refusal.Kind);
        Assert.Equal(reason, refusal.Message);
    }

    public static TheoryData<byte[], string> OtherImages => new()
    {
        // BMP: "BM", file size, reserved, pixel offset, then a 40-byte BITMAPINFOHEADER.
        { [.. "BM"u8, 70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], "BMP" },
        // ICO: reserved, type 1, one image, then its 16-byte directory entry.
        { [0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0x68, 4, 0, 0, 22, 0, 0, 0], "ICO (Windows icon)" },
        { [.. "8BPS"u8, 0, 1, 0, 0, 0, 0, 0, 0], "PSD (Photoshop)" },
        { [0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', 0x20, 0x0D, 0x0A, 0x87, 0x0A], "JPEG XL" },
        { [0, 0, 0, 0x0C, (byte)'j', (byte)'P', 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A], "JPEG 2000" },
    };

    [Theory]
    [MemberData(nameof(OtherImages))]
    public void Names_image_formats_that_are_not_supported(byte[] bytes, string format)
    {
        var refusal = Refuse(bytes);

        Assert.Equal(RejectionKind.Unsupported, refusal.Kind);
        Assert.Equal($"{format} {Supported}", refusal.Message);
    }

    [Fact]
    public void Refuses_bigtiff_as_unsupported_and_says_what_to_do()
    {
        byte[] bigTiff = [.. "II+\0"u8, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0];

        var refusal = Refuse(bigTiff);

        Assert.Equal(RejectionKind.Unsupported, refusal.Kind);
        Assert.Equal($"BigTIFF {Supported}: save it as a regular TIFF", refusal.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF })]
    [InlineData(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A })]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 1, 0 })]
    public void Refuses_a_bare_signature_as_damaged(byte[] bytes)
    {
        var refusal = Refuse(bytes);

        Assert.Equal(RejectionKind.Damaged, refusal.Kind);
        Assert.Contains("truncated", refusal.Message);
    }
}
