using Annotator.Images;
using Annotator.Testing;

namespace Annotator.Tests.Images;

/// <summary>The inspector against the shared test photos and broken files (see testdata/SOURCES.md).</summary>
public class ImageInspectorTests
{
    /// <summary>The service's limit in these tests: 100 megapixels.</summary>
    internal const long Limit = 100_000_000;

    /// <summary>Every file in testdata/images with its format and size as stored (before EXIF orientation).</summary>
    public static TheoryData<string, ImageFormat, int, int, int> Photos => new()
    {
        { "nikon-gps.jpg", ImageFormat.Jpeg, 640, 480, 1 },
        { "phone-jolla.jpg", ImageFormat.Jpeg, 3264, 2448, 1 },
        { "phone-nokia.jpg", ImageFormat.Jpeg, 4608, 1976, 1 },
        { "phone-iphone.jpg", ImageFormat.Jpeg, 3264, 2448, 1 },
        // Coded as a 4032×3024 grid with a 'irot' quarter turn, which HEIF decoders always apply.
        { "phone-iphone13.heic", ImageFormat.Heic, 3024, 4032, 1 },
        { "camera-canon.jpg", ImageFormat.Jpeg, 2048, 1536, 1 },
        { "trailcam-reconyx.jpg", ImageFormat.Jpeg, 2048, 1536, 1 },
        { "scan-lzw.tiff", ImageFormat.Tiff, 635, 348, 1 },
        { "exif-landscape-1.jpg", ImageFormat.Jpeg, 1800, 1200, 1 },
        { "exif-landscape-2.jpg", ImageFormat.Jpeg, 1800, 1200, 1 },
        { "exif-landscape-3.jpg", ImageFormat.Jpeg, 1800, 1200, 1 },
        { "exif-landscape-4.jpg", ImageFormat.Jpeg, 1800, 1200, 1 },
        { "exif-landscape-5.jpg", ImageFormat.Jpeg, 1200, 1800, 1 },
        { "exif-landscape-6.jpg", ImageFormat.Jpeg, 1200, 1800, 1 },
        { "exif-landscape-7.jpg", ImageFormat.Jpeg, 1200, 1800, 1 },
        { "exif-landscape-8.jpg", ImageFormat.Jpeg, 1200, 1800, 1 },
        // Orientation 6: shown portrait, but the header must report the stored landscape size.
        { "exif-portrait-6.jpg", ImageFormat.Jpeg, 1800, 1200, 1 },
        { "exif-portrait-8.jpg", ImageFormat.Jpeg, 1800, 1200, 1 },
        { "large-kleiber-20mp.jpg", ImageFormat.Jpeg, 6028, 3391, 1 },
        { "photo-jolla.webp", ImageFormat.WebP, 1600, 1200, 1 },
        { "photo-jolla.png", ImageFormat.Png, 1000, 750, 1 },
        { "cutout-alpha.png", ImageFormat.Png, 600, 800, 1 },
        { "animated.gif", ImageFormat.Gif, 320, 213, 3 },
        { "canon-18mp-dark.jpg", ImageFormat.Jpeg, 5184, 3456, 1 },
        { "iphone-exif.avif", ImageFormat.Avif, 480, 640, 1 },
        { "anim-squares.webp", ImageFormat.WebP, 80, 80, 9 },
        { "animated.png", ImageFormat.Png, 160, 107, 3 },
    };

    [Fact]
    public void An_apngs_frames_are_counted_not_taken_from_what_it_declares()
    {
        // acTL claims 4,294,967,295 frames; the file has two frame controls (fcTL), so two frames.
        byte[] frameControl = [.. new byte[4], 0, 0, 0, 8, 0, 0, 0, 8, .. new byte[8], 0, 1, 0, 10, 0, 0];
        var png = Annotator.Testing.Hostile.PngChunks.Png(8, 8, ("acTL", [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]), ("fcTL", frameControl), ("fcTL", frameControl));

        Assert.Equal(2, ImageInspector.Inspect(new MemoryStream(png), Limit).Frames);
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void Accepts_each_test_photo_with_its_format_and_stored_size(string name, ImageFormat format, int width, int height, int frames)
    {
        using var file = File.OpenRead(TestData.Image(name));

        var header = ImageInspector.Inspect(file, Limit);

        Assert.Equal(new ImageHeader(format, width, height, frames), header);
    }

    [Fact]
    public void Every_file_in_the_images_folder_has_an_expectation()
    {
        var listed = Photos.Select(row => (string)row[0]);
        var present = Directory.GetFiles(Path.Combine(TestData.Root, "images")).Select(Path.GetFileName);

        Assert.Equal(present.Order(), listed.Order());
    }

    /// <summary>Every file in testdata/bad with what the upload must get, message included: the user reads it.</summary>
    public static TheoryData<string, RejectionKind, string> BadFiles => new()
    {
        { "empty.jpg", RejectionKind.Empty, "the file is empty" },
        { "text-renamed.jpg", RejectionKind.NotAnImage, "not an image: the file is text" },
        { "html-renamed.jpg", RejectionKind.NotAnImage, "not an image: the file is HTML" },
        { "zip-renamed.jpg", RejectionKind.NotAnImage, "not an image: the file is a ZIP archive" },
        { "script.svg", RejectionKind.NotAnImage, "SVG is not accepted: it can carry scripts" },
        { "truncated.jpg", RejectionKind.Damaged, "the JPEG is truncated: its data ends before the end-of-image marker" },
        { "corrupt.png", RejectionKind.Damaged, "the PNG is damaged: chunk IDAT fails its checksum" },
        { "bomb-60000x60000.png", RejectionKind.TooManyPixels,
            "the image declares 60000×60000 (3,600 megapixels), over the 100 megapixel limit" },
        { "huge-dimensions.jpg", RejectionKind.TooManyPixels,
            "the image declares 65500×65500 (4,290 megapixels), over the 100 megapixel limit" },
        { "truncated.png", RejectionKind.Damaged, "the PNG is truncated: it ends inside chunk IDAT, before the IEND end marker" },
        // The frame is 65535×1321 placed at y = 65280, far outside the 32×32 screen: a decoder that grows
        // the canvas to hold it (as Pillow does) would allocate 65535×66601.
        { "bomb-65535x65535.gif", RejectionKind.TooManyPixels,
            "the GIF's 32×32 screen holds frame 1, which declares 65535×1321 at (0, 65280) and needs a 65535×66601 canvas (4,365 megapixels), over the 100 megapixel limit" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Refuses_each_bad_file_with_a_reason(string name, RejectionKind kind, string reason)
    {
        using var file = File.OpenRead(TestData.Bad(name));

        var refusal = Assert.Throws<ImageRejectedException>(() => ImageInspector.Inspect(file, Limit));

        Assert.Equal(kind, refusal.Kind);
        Assert.Equal(reason, refusal.Message);
    }

    [Fact]
    public void Passes_a_jpeg_whose_damage_only_shows_when_decoding()
    {
        // Its entropy-coded data is garbled mid-file but every marker is in place and it ends with EOI;
        // finding this needs a decode, which is the processing stage's job.
        using var file = File.OpenRead(TestData.Bad("corrupted-exif-samples.jpg"));

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 3648, 2736), ImageInspector.Inspect(file, Limit));
    }

    [Fact]
    public void Every_file_in_the_bad_folder_has_an_expectation()
    {
        var listed = BadFiles.Select(row => (string)row[0]).Append("corrupted-exif-samples.jpg");
        var present = Directory.GetFiles(Path.Combine(TestData.Root, "bad")).Select(Path.GetFileName);

        Assert.Equal(present.Order(), listed.Order());
    }

    [Fact]
    public void Refuses_a_photo_over_a_small_limit_and_says_both_sizes()
    {
        using var file = File.OpenRead(TestData.Image("photo-jolla.png")); // 1000×750

        var refusal = Assert.Throws<ImageRejectedException>(() => ImageInspector.Inspect(file, maxPixels: 500_000));

        Assert.Equal(RejectionKind.TooManyPixels, refusal.Kind);
        Assert.Equal("the image declares 1000×750 (0.8 megapixels), over the 0.5 megapixel limit", refusal.Message);
    }

    [Theory]
    [InlineData("photo-jolla.png", 750_000)]    // 1000×750
    [InlineData("nikon-gps.jpg", 307_200)]      // 640×480
    [InlineData("animated.gif", 68_160)]        // 320×213
    [InlineData("photo-jolla.webp", 1_920_000)] // 1600×1200
    [InlineData("scan-lzw.tiff", 220_980)]      // 635×348
    [InlineData("iphone-exif.avif", 307_200)]   // 480×640
    [InlineData("phone-iphone13.heic", 12_192_768)]
    public void The_limit_is_inclusive_and_one_pixel_less_refuses(string name, long pixels)
    {
        using var file = File.OpenRead(TestData.Image(name));

        Assert.Equal(pixels, ImageInspector.Inspect(file, maxPixels: pixels).Pixels);
        Assert.Equal(RejectionKind.TooManyPixels,
            Assert.Throws<ImageRejectedException>(() => ImageInspector.Inspect(file, maxPixels: pixels - 1)).Kind);
    }

    [Fact]
    public void A_bomb_is_refused_from_its_header_without_reading_the_rest()
    {
        var bytes = File.ReadAllBytes(TestData.Bad("bomb-60000x60000.png")); // 437 KB
        using var file = new CountingStream(bytes);

        Assert.Throws<ImageRejectedException>(() => ImageInspector.Inspect(file, Limit));

        // One buffer's worth at most: the IDAT data behind the header is never streamed through.
        Assert.True(file.BytesRead <= 64 * 1024, $"read {file.BytesRead:N0} of {bytes.Length:N0} bytes");
    }

    [Fact]
    public void Reads_from_the_start_whatever_the_stream_position()
    {
        using var file = File.OpenRead(TestData.Image("nikon-gps.jpg"));
        file.Seek(0, SeekOrigin.End);

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 640, 480), ImageInspector.Inspect(file, Limit));
    }

    [Fact]
    public void A_progressive_jpeg_of_100_scans_passes_and_one_of_101_is_refused_as_too_costly()
    {
        using var within = new MemoryStream(Annotator.Testing.Hostile.HostileFiles.ProgressiveJpegScanBomb(64, 64, 100));
        using var over = new MemoryStream(Annotator.Testing.Hostile.HostileFiles.ProgressiveJpegScanBomb(64, 64, 101));

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 64, 64) { WholeImageBytes = 8 * 8 * 128 }, ImageInspector.Inspect(within, Limit));
        var refused = Assert.Throws<ImageRejectedException>(() => ImageInspector.Inspect(over, Limit));
        Assert.Equal(RejectionKind.TooCostly, refused.Kind);
        Assert.StartsWith("the JPEG has more than 100 progressive scans", refused.Message);
    }

    [Theory]
    [InlineData("jpeg-baseline", 0L)]
    [InlineData("jpeg-progressive", (80 * 60 + 2 * 40 * 30) * 128L)] // 640×480 at 4:2:0: Y 80×60 blocks, Cb and Cr 40×30
    [InlineData("png", 0L)]
    [InlineData("png-interlaced", 640 * 480 * 3L)]
    public void Images_that_must_be_decoded_whole_say_how_much_memory_that_takes(string kind, long bytes)
    {
        using var image = NetVips.Image.Black(640, 480, bands: 3);
        var encoded = kind switch
        {
            "jpeg-baseline" => image.JpegsaveBuffer(subsampleMode: NetVips.Enums.ForeignSubsample.On),
            "jpeg-progressive" => image.JpegsaveBuffer(interlace: true, subsampleMode: NetVips.Enums.ForeignSubsample.On),
            "png" => image.PngsaveBuffer(),
            _ => image.PngsaveBuffer(interlace: true),
        };

        Assert.Equal(bytes, ImageInspector.Inspect(new MemoryStream(encoded), Limit).WholeImageBytes);
    }

    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = base.Read(buffer);
            BytesRead += read;
            return read;
        }
    }
}
