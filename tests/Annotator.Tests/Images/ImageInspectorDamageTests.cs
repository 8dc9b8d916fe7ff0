using System.Buffers.Binary;
using Annotator.Images;
using Annotator.Testing;
using static Annotator.Tests.Images.Upload;

namespace Annotator.Tests.Images;

/// <summary>Uploads damaged in the ways real ones are: cut off, a byte flipped, or built to mislead.</summary>
public class ImageInspectorDamageTests
{
    private static byte[] Photo(string name) => File.ReadAllBytes(TestData.Image(name));

    // ---- JPEG ----

    [Fact]
    public void Refuses_a_jpeg_cut_one_byte_before_its_end_marker()
    {
        var jpeg = Photo("exif-landscape-1.jpg");

        var refusal = Refuse(Cut(jpeg, jpeg.Length - 1));

        Assert.Equal(RejectionKind.Damaged, refusal.Kind);
        Assert.Equal("the JPEG is truncated: its data ends before the end-of-image marker", refusal.Message);
    }

    [Fact]
    public void Refuses_a_jpeg_cut_anywhere()
    {
        var jpeg = Photo("nikon-gps.jpg");

        for (var length = 3L; length < jpeg.Length; length += jpeg.Length / 40)
            Assert.Equal(RejectionKind.Damaged, Refuse(Cut(jpeg, length)).Kind);
    }

    [Fact]
    public void Refuses_a_jpeg_cut_just_after_its_exif_thumbnail()
    {
        // The EXIF block holds a whole small JPEG, SOI to EOI; a scanner that stops at the first
        // FF D9 would take this cut-off upload for a complete photo.
        var jpeg = Photo("camera-canon.jpg");
        var thumbnailEnd = IndexOf(jpeg, [0xFF, 0xD9]) + 2;
        Assert.True(thumbnailEnd < jpeg.Length / 10, "camera-canon.jpg should have an EXIF thumbnail near its start");

        var refusal = Refuse(Cut(jpeg, thumbnailEnd));

        Assert.Equal(RejectionKind.Damaged, refusal.Kind);
        Assert.StartsWith("the JPEG is truncated", refusal.Message);
    }

    [Fact]
    public void Accepts_data_after_the_end_marker_as_in_a_motion_photo()
    {
        var jpeg = Photo("nikon-gps.jpg");
        var withVideo = jpeg.Concat(new byte[50_000]).Concat("ftypmp42"u8.ToArray()).ToArray();

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 640, 480), Inspect(withVideo));
    }

    [Fact]
    public void Accepts_a_progressive_jpeg_and_refuses_it_cut_short()
    {
        using var source = NetVips.Image.NewFromFile(TestData.Image("nikon-gps.jpg"));
        var progressive = source.JpegsaveBuffer(interlace: true);
        var progressiveFrame = IndexOf(progressive, [0xFF, 0xC2]); // SOF2: progressive, Huffman
        Assert.True(progressiveFrame > 0 && CountMarkers(progressive[progressiveFrame..], 0xDA) > 2, "a progressive JPEG with several scans");

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 640, 480) { WholeImageBytes = (80 * 60 + 2 * 40 * 30) * 128 }, Inspect(progressive));
        // Cut where the last scan starts: every scan before it is whole, the image is not.
        var lastScan = progressive.AsSpan().LastIndexOf([(byte)0xFF, (byte)0xDA]);
        Assert.Equal("the JPEG is truncated: its data ends before the end-of-image marker", Refuse(Cut(progressive, lastScan)).Message);
    }

    [Fact]
    public void Refuses_a_jpeg_with_a_frame_header_but_no_image_data()
    {
        // SOI, a 16×16 frame header, EOI: the size reads fine but there is nothing to show.
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 16, 0, 16, 1, 1, 0x11, 0, 0xFF, 0xD9];

        var refusal = Refuse(jpeg);

        Assert.Equal(RejectionKind.Damaged, refusal.Kind);
        Assert.Equal("the JPEG has no image data: it ends before any scan (SOS marker)", refusal.Message);
    }

    // ---- PNG ----

    [Fact]
    public void Refuses_a_png_with_one_flipped_byte()
    {
        var png = Photo("photo-jolla.png");
        png[IndexOf(png, "IDAT"u8) + 1000] ^= 0x01;

        var refusal = Refuse(png);

        Assert.Equal(RejectionKind.Damaged, refusal.Kind);
        Assert.Equal("the PNG is damaged: chunk IDAT fails its checksum", refusal.Message);
    }

    [Fact]
    public void Refuses_a_png_missing_only_its_end_chunk()
    {
        var png = Photo("cutout-alpha.png");

        var refusal = Refuse(Cut(png, png.Length - 12)); // IEND is 12 bytes

        Assert.Equal("the PNG is truncated: it ends before its IEND end marker", refusal.Message);
    }

    // ---- GIF ----

    [Fact]
    public void Refuses_a_gif_cut_in_the_middle_of_a_frame()
    {
        var gif = Photo("animated.gif");

        var refusal = Refuse(Cut(gif, gif.Length / 2));

        Assert.Equal(RejectionKind.Damaged, refusal.Kind);
        Assert.Equal("the GIF is truncated: it ends in the middle of a block", refusal.Message);
    }

    [Fact]
    public void Accepts_a_gif_missing_only_its_trailer_byte()
    {
        // Some encoders leave off the final 0x3B; every frame is complete and decoders show it.
        var gif = Photo("animated.gif");
        Assert.Equal(0x3B, gif[^1]);

        Assert.Equal(new ImageHeader(ImageFormat.Gif, 320, 213, 3), Inspect(Cut(gif, gif.Length - 1)));
    }

    [Fact]
    public void Refuses_a_small_gif_screen_holding_a_huge_frame()
    {
        // The bomb from testdata, with its one frame moved to (0, 0) and made 65535×65535.
        var gif = File.ReadAllBytes(TestData.Bad("bomb-65535x65535.gif"));
        var descriptor = IndexOf(gif, [0x2C]);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(descriptor + 3), 0);      // top
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(descriptor + 7), 0xFFFF); // height

        var refusal = Refuse(gif);

        Assert.Equal(RejectionKind.TooManyPixels, refusal.Kind);
        Assert.Equal("the GIF's 32×32 screen holds frame 1, which declares 65535×65535 at (0, 0) and needs a 65535×65535 canvas (4,295 megapixels), over the 100 megapixel limit", refusal.Message);
    }

    // ---- WebP ----

    [Theory]
    [InlineData("photo-jolla.webp")]
    [InlineData("anim-squares.webp")]
    public void Refuses_a_webp_cut_in_half(string name)
    {
        var webp = Photo(name);

        var refusal = Refuse(Cut(webp, webp.Length / 2));

        Assert.Equal(RejectionKind.Damaged, refusal.Kind);
        Assert.Equal($"the WebP is truncated: its header declares {webp.Length:N0} bytes but the file has only {webp.Length / 2:N0}", refusal.Message);
    }

    // ---- TIFF ----

    [Fact]
    public void Refuses_a_tiff_cut_before_its_directory()
    {
        var tiff = Photo("scan-lzw.tiff"); // its directory (IFD) is written after the pixel data

        var refusal = Refuse(Cut(tiff, tiff.Length * 3 / 4));

        Assert.Equal(RejectionKind.Damaged, refusal.Kind);
        Assert.Equal("the TIFF is truncated: its image directory lies beyond the end of the file", refusal.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Refuses_a_tiff_whose_strip_is_cut_off(bool littleEndian)
    {
        var tiff = TinyTiff(littleEndian);
        using (var decoded = NetVips.Image.NewFromBuffer(tiff)) Assert.Equal((4, 3), (decoded.Width, decoded.Height));
        Assert.Equal(new ImageHeader(ImageFormat.Tiff, 4, 3), Inspect(tiff));

        var refusal = Refuse(Cut(tiff, tiff.Length - 1));

        Assert.Equal(RejectionKind.Damaged, refusal.Kind);
        Assert.Equal("the TIFF is truncated: strip 1 of 1 lies beyond the end of the file", refusal.Message);
    }

    /// <summary>A 4×3 8-bit grey TIFF laid out directory first, pixel strip last, so a cut hits the pixels.</summary>
    private static byte[] TinyTiff(bool little)
    {
        (ushort Tag, ushort Type, uint Value)[] entries =
        [
            (256, 3, 4), (257, 4, 3), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 0 /* set below */), (277, 3, 1), (278, 3, 3), (279, 4, 12),
        ];
        var stripAt = 8 + 2 + entries.Length * 12 + 4;
        var tiff = new byte[stripAt + 12];
        void U16(int at, ushort v)
        {
            if (little) BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), v);
            else BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(at), v);
        }
        void U32(int at, uint v)
        {
            if (little) BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at), v);
            else BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(at), v);
        }
        (little ? "II*\0"u8 : "MM\0*"u8).CopyTo(tiff);
        U32(4, 8);
        U16(8, (ushort)entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var (tag, type, value) = entries[i];
            var at = 10 + i * 12;
            U16(at, tag);
            U16(at + 2, type);
            U32(at + 4, 1);
            if (tag == 273) value = (uint)stripAt;
            if (type == 3) U16(at + 8, (ushort)value); else U32(at + 8, value); // a SHORT sits in the first half
        }
        for (var i = 0; i < 12; i++) tiff[stripAt + i] = (byte)(i * 20);
        return tiff;
    }

    // ---- HEIF ----

    [Theory]
    [InlineData("phone-iphone13.heic", "HEIC")]
    [InlineData("iphone-exif.avif", "AVIF")]
    public void Refuses_a_heif_cut_short(string name, string format)
    {
        var heif = Photo(name);

        var refusal = Refuse(Cut(heif, heif.Length - 1000));

        Assert.Equal(RejectionKind.Damaged, refusal.Kind);
        Assert.StartsWith($"the {format} is truncated: its 'mdat' box needs ", refusal.Message);
    }

    [Theory]
    [InlineData("iphone-exif.avif", ImageFormat.Avif)]    // primary item is 'av01'
    [InlineData("phone-iphone13.heic", ImageFormat.Heic)] // primary item is a 'grid' of 'hvc1' tiles
    public void Tells_avif_from_heic_by_the_primary_image_when_the_brand_is_only_generic(string name, ImageFormat format)
    {
        var heif = Photo(name);
        var ftypLength = BinaryPrimitives.ReadInt32BigEndian(heif);
        for (var at = 8; at < ftypLength; at += 4)
            if (at != 12) "mif1"u8.CopyTo(heif.AsSpan(at)); // every brand but the minor version

        Assert.Equal(format, Inspect(heif).Format);
    }

    // ---- Any format ----

    [Theory]
    [InlineData("nikon-gps.jpg")]
    [InlineData("cutout-alpha.png")]
    [InlineData("animated.gif")]
    [InlineData("anim-squares.webp")]
    [InlineData("scan-lzw.tiff")]
    [InlineData("iphone-exif.avif")]
    [InlineData("phone-iphone13.heic")]
    public void Never_fails_on_corrupted_headers_with_anything_but_a_refusal(string name)
    {
        // A hostile or broken upload must get a 4xx with a reason, never an unhandled exception (a 500).
        var original = Photo(name);
        var random = new Random(20251125);
        for (var round = 0; round < 300; round++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
                bytes[random.Next(Math.Min(bytes.Length, 4096))] = (byte)random.Next(256);
            try
            {
                Inspect(bytes);
            }
            catch (ImageRejectedException refusal)
            {
                Assert.DoesNotContain('\n', refusal.Message);
            }
        }
    }

    private static int CountMarkers(byte[] jpeg, byte marker)
    {
        var count = 0;
        for (var i = 0; i + 1 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker) count++;
        return count;
    }
}
