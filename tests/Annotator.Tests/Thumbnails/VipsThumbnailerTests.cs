using Annotator.Processing;
using Annotator.Testing;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;

namespace Annotator.Tests.Thumbnails;

// libvips keeps one error buffer per process: tests that read its messages must not run beside other libvips work.
[Collection(LibvipsCollection.Name)]
public sealed class VipsThumbnailerTests
{
    private readonly VipsThumbnailer _thumbnailer = new(Options.Create(new ThumbnailOptions()), new LowPriorityThreads(2), NullLogger<VipsThumbnailer>.Instance);

    private ThumbnailSet Thumbnails(Stream content) => _thumbnailer.CreateThumbnailsAsync(content, 0, CancellationToken.None).GetAwaiter().GetResult();

    private ThumbnailSet Thumbnails(string path)
    {
        using var file = File.OpenRead(path);
        return _thumbnailer.CreateThumbnailsAsync(file, 0, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_decode_past_its_time_limit_fails_with_the_reason()
    {
        var hurried = new VipsThumbnailer(Options.Create(new ThumbnailOptions { Timeout = TimeSpan.FromMilliseconds(1) }), new LowPriorityThreads(1), NullLogger<VipsThumbnailer>.Instance);
        using var photo = File.OpenRead(TestData.Image("large-kleiber-20mp.jpg"));

        var failure = await Assert.ThrowsAsync<ImageDecodeException>(() => hurried.CreateThumbnailsAsync(photo, 0, CancellationToken.None));

        Assert.Equal("decoding took longer than the 0 s limit for one image", failure.Message);
    }

    [Theory]
    [InlineData("exif-landscape-1.jpg")] [InlineData("exif-landscape-2.jpg")] [InlineData("exif-landscape-3.jpg")] [InlineData("exif-landscape-4.jpg")]
    [InlineData("exif-landscape-5.jpg")] [InlineData("exif-landscape-6.jpg")] [InlineData("exif-landscape-7.jpg")] [InlineData("exif-landscape-8.jpg")]
    public void Every_EXIF_orientation_comes_out_upright_and_landscape(string file)
    {
        var set = Thumbnails(TestData.Image(file));

        Assert.Equal((256, 171), (set.Thumbnail.Width, set.Thumbnail.Height));
        Assert.Equal((1440, 960), (set.Preview.Width, set.Preview.Height));
        // The same way up as orientation 1: compare against the reference pixel by pixel, loosely.
        Assert.True(Difference(set.Thumbnail, Thumbnails(TestData.Image("exif-landscape-1.jpg")).Thumbnail) < 12,
            $"{file} does not look like exif-landscape-1.jpg once rotated");
    }

    [Fact]
    public void An_iphone_heic_comes_out_upright_in_srgb_without_metadata()
    {
        var set = Thumbnails(TestData.Image("phone-iphone13.heic")); // 3024×4032, Display P3, EXIF and all

        Assert.Equal((192, 256), (set.Thumbnail.Width, set.Thumbnail.Height));
        Assert.Equal((1080, 1440), (set.Preview.Width, set.Preview.Height));
        foreach (var encoded in new[] { set.Thumbnail, set.Preview })
        {
            using var image = Image.NewFromBuffer(encoded.Bytes);
            Assert.Equal(Enums.Interpretation.Srgb, image.Interpretation);
            Assert.DoesNotContain(image.GetFields(), f => f.StartsWith("exif", StringComparison.Ordinal) || f == "xmp-data" || f == "icc-profile-data");
        }
    }

    [Fact]
    public async Task A_truncated_heic_fails_with_the_reason()
    {
        var heic = await File.ReadAllBytesAsync(TestData.Image("phone-iphone13.heic"));

        var failure = await Assert.ThrowsAsync<ImageDecodeException>(() =>
            _thumbnailer.CreateThumbnailsAsync(new MemoryStream(heic[..(heic.Length / 2)]), 0, CancellationToken.None));

        Assert.StartsWith("the HEIC is truncated: ", failure.Message);
    }

    [Fact]
    public void A_portrait_with_orientation_6_comes_out_taller_than_wide()
    {
        var set = Thumbnails(TestData.Image("exif-portrait-6.jpg"));

        Assert.Equal((171, 256), (set.Thumbnail.Width, set.Thumbnail.Height));
    }

    [Fact]
    public void Thumbnails_carry_no_metadata_so_no_GPS_position_leaks()
    {
        var set = Thumbnails(TestData.Image("nikon-gps.jpg"));

        foreach (var (encoded, loader) in new[] { (set.Thumbnail, "webpload_buffer"), (set.Preview, "jpegload_buffer") })
        {
            using var image = Image.NewFromBuffer(encoded.Bytes);
            Assert.Equal(loader, image.Get("vips-loader"));
            Assert.DoesNotContain(image.GetFields(), f => f.StartsWith("exif", StringComparison.Ordinal) || f == "xmp-data" || f == "icc-profile-data");
        }
    }

    [Fact]
    public void A_wide_gamut_photo_is_converted_to_sRGB()
    {
        // Pure sRGB red, stored as Display P3 numbers with the P3 profile attached.
        using var red = (Image.Black(64, 64) + new double[] { 255, 0, 0 }).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        using var p3 = red.IccTransform("p3", inputProfile: "srgb");
        var set = Thumbnails(new MemoryStream(p3.PngsaveBuffer()));

        using var thumbnail = Image.NewFromBuffer(set.Thumbnail.Bytes);
        var pixel = thumbnail.Getpoint(8, 8);
        Assert.True(pixel[0] > 245 && pixel[1] < 12 && pixel[2] < 12, $"expected sRGB red, got {string.Join(",", pixel)}");
    }

    [Fact]
    public async Task The_preview_is_a_baseline_JPEG_by_default_and_WebP_when_configured_the_thumbnail_WebP_either_way()
    {
        var jpeg = Thumbnails(TestData.Image("camera-canon.jpg"));
        var webpThumbnailer = new VipsThumbnailer(Options.Create(new ThumbnailOptions { PreviewFormat = PreviewFormat.Webp }), new LowPriorityThreads(1), NullLogger<VipsThumbnailer>.Instance);
        using var photo = File.OpenRead(TestData.Image("camera-canon.jpg"));
        var webp = await webpThumbnailer.CreateThumbnailsAsync(photo, 0, CancellationToken.None);

        using var jpegPreview = Image.NewFromBuffer(jpeg.Preview.Bytes);
        Assert.Equal("jpegload_buffer", jpegPreview.Get("vips-loader"));
        Assert.False(jpegPreview.Contains("interlaced"), "the JPEG preview is progressive");
        using var webpPreview = Image.NewFromBuffer(webp.Preview.Bytes);
        Assert.Equal("webpload_buffer", webpPreview.Get("vips-loader"));
        Assert.Equal((jpeg.Preview.Width, jpeg.Preview.Height), (webp.Preview.Width, webp.Preview.Height));
        foreach (var thumbnail in new[] { jpeg.Thumbnail, webp.Thumbnail })
        {
            using var image = Image.NewFromBuffer(thumbnail.Bytes);
            Assert.Equal("webpload_buffer", image.Get("vips-loader"));
        }
    }

    [Fact]
    public void A_JPEG_preview_shows_transparency_as_white()
    {
        // A red square on a transparent 64×64 page.
        using var clear = Image.Black(64, 64, bands: 4).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        using var red = (Image.Black(32, 32) + new double[] { 255, 0, 0, 255 }).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        using var cutout = clear.Insert(red, 16, 16);

        using var preview = Image.NewFromBuffer(Thumbnails(new MemoryStream(cutout.PngsaveBuffer())).Preview.Bytes);

        Assert.False(preview.HasAlpha());
        var corner = preview.Getpoint(2, 2);
        Assert.True(corner.All(v => v > 245), $"expected white where it was transparent, got {string.Join(",", corner)}");
        var centre = preview.Getpoint(32, 32);
        Assert.True(centre[0] > 245 && centre[1] < 12 && centre[2] < 12, $"expected red, got {string.Join(",", centre)}");
    }

    [Fact]
    public void A_small_image_is_never_enlarged()
    {
        var set = Thumbnails(TestData.Image("anim-squares.webp"));

        Assert.Equal((80, 80), (set.Preview.Width, set.Preview.Height));
        Assert.Equal((80, 80), (set.Thumbnail.Width, set.Thumbnail.Height));
    }

    [Fact]
    public void Transparency_is_kept()
    {
        using var image = Image.NewFromBuffer(Thumbnails(TestData.Image("cutout-alpha.png")).Thumbnail.Bytes);

        Assert.True(image.HasAlpha());
    }

    [Theory]
    [InlineData("animated.gif", 256, 170)]
    [InlineData("scan-lzw.tiff", 256, 140)]
    [InlineData("iphone-exif.avif", 192, 256)]
    [InlineData("photo-jolla.webp", 256, 192)]
    [InlineData("large-kleiber-20mp.jpg", 256, 144)]
    public void Every_accepted_format_makes_a_thumbnail(string file, int width, int height)
    {
        var set = Thumbnails(TestData.Image(file));

        Assert.Equal((width, height), (set.Thumbnail.Width, set.Thumbnail.Height));
    }

    [Fact]
    public void The_perceptual_hash_keeps_a_photo_re_encoded_smaller_or_turned_by_EXIF_near_and_a_different_photo_far()
    {
        var photo = Thumbnails(TestData.Image("exif-landscape-1.jpg")).PerceptualHash;
        using var original = Image.NewFromFile(TestData.Image("exif-landscape-1.jpg"));
        using var smaller = original.Resize(0.3);
        var reencoded = Thumbnails(new MemoryStream(smaller.JpegsaveBuffer(q: 40))).PerceptualHash;

        Assert.InRange(PerceptualHash.Distance(photo, reencoded), 0, PerceptualHash.SimilarDistance);
        Assert.InRange(PerceptualHash.Distance(photo, Thumbnails(TestData.Image("exif-landscape-7.jpg")).PerceptualHash), 0, PerceptualHash.SimilarDistance);
        Assert.InRange(PerceptualHash.Distance(photo, Thumbnails(TestData.Image("camera-canon.jpg")).PerceptualHash), PerceptualHash.SimilarDistance + 1, 64);
    }

    [Fact]
    public async Task The_hash_of_a_stored_thumbnail_is_within_two_bits_of_the_one_made_with_it_for_every_test_photo()
    {
        // What the backfill relies on: a thumbnail stored before V6, hashed later, finds the same near-duplicates.
        var photos = Directory.GetFiles(Path.Combine(TestData.Root, "images")).Where(f => !f.EndsWith(".md")).ToList();
        Assert.True(photos.Count >= 20, $"only {photos.Count} test photos found");
        foreach (var photo in photos)
        {
            var set = Thumbnails(photo);
            var again = await _thumbnailer.HashThumbnailAsync(new MemoryStream(set.Thumbnail.Bytes), CancellationToken.None);
            Assert.True(PerceptualHash.Distance(set.PerceptualHash, again) <= 2, $"{Path.GetFileName(photo)}: {PerceptualHash.Distance(set.PerceptualHash, again)} bits apart");
        }
    }

    [Fact]
    public async Task A_damaged_stored_thumbnail_fails_to_hash_with_a_readable_reason()
    {
        var bytes = Thumbnails(TestData.Image("nikon-gps.jpg")).Thumbnail.Bytes;
        var error = await Assert.ThrowsAsync<ImageDecodeException>(() => _thumbnailer.HashThumbnailAsync(new MemoryStream(bytes[..(bytes.Length / 2)]), CancellationToken.None));

        Assert.StartsWith("the image could not be decoded: ", error.Message);
    }

    [Fact]
    public void Damaged_image_data_fails_with_a_readable_reason()
    {
        var error = Assert.Throws<ImageDecodeException>(() => Thumbnails(TestData.Bad("corrupted-exif-samples.jpg")));

        Assert.StartsWith("the image could not be decoded: ", error.Message);
        Assert.Contains("JPEG", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public async Task The_caption_image_is_a_JPEG_within_the_asked_size()
    {
        await using var file = File.OpenRead(TestData.Image("large-kleiber-20mp.jpg"));
        var jpeg = await _thumbnailer.CreateCaptionImageAsync(file, 0, 1536, CancellationToken.None);

        using var image = Image.NewFromBuffer(jpeg.Bytes);
        Assert.Equal("jpegload_buffer", image.Get("vips-loader"));
        Assert.Equal((1536, 864), (image.Width, image.Height));
    }

    [Theory]
    [InlineData("exif-portrait-6.jpg", 43, 64)] // stored 1800×1200, shown upright: portrait
    [InlineData("large-kleiber-20mp.jpg", 64, 36)]
    [InlineData("phone-iphone13.heic", 48, 64)]
    public async Task A_pixel_sample_is_small_upright_packed_RGB(string file, int width, int height)
    {
        await using var stream = File.OpenRead(TestData.Image(file));
        var sample = await _thumbnailer.CreateSampleAsync(stream, 0, CancellationToken.None);

        Assert.Equal((width, height), (sample.Width, sample.Height));
        Assert.Equal(width * height * 3, sample.Rgb.Length);
    }

    [Fact]
    public async Task A_pixel_sample_is_read_from_the_EXIF_thumbnail_when_it_has_the_photo_s_shape_upright()
    {
        using var photo = RedPhotoWithThumbnail(400, 300, Flat(160, 120, [0, 0, 255]).JpegsaveBuffer(), orientation: 6);

        var sample = await _thumbnailer.CreateSampleAsync(photo, 0, CancellationToken.None);

        Assert.Equal((48, 64), (sample.Width, sample.Height)); // stored 4:3, shown turned: portrait
        Assert.Equal("blue", MainColour(sample));
    }

    [Fact]
    public async Task A_pixel_sample_is_decoded_from_the_photo_when_its_EXIF_thumbnail_has_another_shape()
    {
        // As Canon's: a 3:2 photo, its 4:3 thumbnail padded with bars (here: all blue, to tell them apart).
        using var photo = RedPhotoWithThumbnail(450, 300, Flat(160, 120, [0, 0, 255]).JpegsaveBuffer(), orientation: 1);

        var sample = await _thumbnailer.CreateSampleAsync(photo, 0, CancellationToken.None);

        Assert.Equal((64, 43), (sample.Width, sample.Height));
        Assert.Equal("red", MainColour(sample));
    }

    [Fact]
    public async Task A_pixel_sample_is_decoded_from_the_photo_when_its_EXIF_thumbnail_is_damaged()
    {
        var thumbnail = Flat(160, 120, [0, 0, 255]).JpegsaveBuffer();
        using var photo = RedPhotoWithThumbnail(400, 300, thumbnail[..(thumbnail.Length / 2)], orientation: 1);

        var sample = await _thumbnailer.CreateSampleAsync(photo, 0, CancellationToken.None);

        Assert.Equal("red", MainColour(sample));
    }

    [Fact]
    public async Task A_pixel_sample_is_decoded_from_the_photo_when_its_EXIF_thumbnail_is_larger_than_any_camera_makes()
    {
        // Nothing checks an embedded thumbnail's size at upload; a flat one compresses to a few KB at any size.
        using var photo = RedPhotoWithThumbnail(400, 300, Flat(1600, 1200, [0, 0, 255]).JpegsaveBuffer(q: 10), orientation: 1);

        var sample = await _thumbnailer.CreateSampleAsync(photo, 0, CancellationToken.None);

        Assert.Equal("red", MainColour(sample));
    }

    /// <summary>Where phone-iphone13.heic stores its 320×240 thumbnail (item 50 in its 'iloc'): first in 'mdat', before the photo's tiles.</summary>
    private const int HeicThumbnailAt = 3765, HeicThumbnailLength = 20815;

    [Fact]
    public async Task A_HEIC_s_pixel_sample_is_read_from_its_own_thumbnail_upright_without_decoding_the_photo()
    {
        // The photo's 48 tiles blanked, its thumbnail kept: the photo no longer decodes, and the sample does not need it to.
        var heic = await File.ReadAllBytesAsync(TestData.Image("phone-iphone13.heic"));
        var depthMapAt = heic.Length - 97778; // the depth map, last, is not the photo either: kept too
        Array.Clear(heic, HeicThumbnailAt + HeicThumbnailLength, depthMapAt - (HeicThumbnailAt + HeicThumbnailLength));

        await Assert.ThrowsAsync<ImageDecodeException>(() => _thumbnailer.CreateThumbnailsAsync(new MemoryStream(heic), 0, CancellationToken.None));
        var sample = await _thumbnailer.CreateSampleAsync(new MemoryStream(heic), 0, CancellationToken.None);

        Assert.Equal((48, 64), (sample.Width, sample.Height)); // stored 4:3 and turned by its 'irot', as the photo is
    }

    [Fact]
    public async Task A_HEIC_whose_thumbnail_is_damaged_or_missing_gets_its_pixel_sample_from_the_photo()
    {
        var original = await File.ReadAllBytesAsync(TestData.Image("phone-iphone13.heic"));
        var unreferenced = original.ToArray();
        var thmb = unreferenced.AsSpan().IndexOf("thmb"u8);
        "xxxx"u8.CopyTo(unreferenced.AsSpan(thmb)); // no 'thmb' reference: no thumbnail
        var cut = original.ToArray();
        Array.Clear(cut, HeicThumbnailAt, HeicThumbnailLength); // a thumbnail that does not decode

        foreach (var heic in new[] { unreferenced, cut })
        {
            var sample = await _thumbnailer.CreateSampleAsync(new MemoryStream(heic), 0, CancellationToken.None);
            Assert.Equal((48, 64), (sample.Width, sample.Height));
        }
    }

    [Fact]
    public async Task A_byte_of_a_HEIC_s_metadata_changed_gives_a_sample_or_a_readable_reason_never_another_error()
    {
        var original = await File.ReadAllBytesAsync(TestData.Image("phone-iphone13.heic"));
        // The thumbnail's own boxes: its reference, its entry in 'iloc' and its properties, which only the sample reads.
        foreach (var at in new[] { 1400, 1500, 1560, 1600, 1700, 2300, 2600, 2900, 3100, 3300, 3500, 3700 })
        {
            var damaged = original.ToArray();
            damaged[at] ^= 0xFF;
            try
            {
                await _thumbnailer.CreateSampleAsync(new MemoryStream(damaged), 0, CancellationToken.None);
            }
            catch (ImageDecodeException e)
            {
                Assert.False(e.Message.Contains('\n'), $"byte {at}: {e.Message}");
            }
        }
    }

    private static Image Flat(int width, int height, double[] rgb) =>
        (Image.Black(width, height) + rgb).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);

    /// <summary>A red JPEG whose EXIF holds <paramref name="thumbnail"/> as its IFD1 thumbnail, and the orientation.</summary>
    private static MemoryStream RedPhotoWithThumbnail(int width, int height, byte[] thumbnail, int orientation)
    {
        using var red = Flat(width, height, [255, 0, 0]);
        using var tagged = red.Mutate(m =>
        {
            m.Set(GValue.BlobType, "jpeg-thumbnail-data", thumbnail);
            m.Set(GValue.GIntType, "orientation", orientation);
        });
        var bytes = tagged.JpegsaveBuffer(keep: Enums.ForeignKeep.Exif);
        using (var written = Image.NewFromBuffer(bytes)) // the thumbnail is there: a test must not pass for want of one
            Assert.Equal(thumbnail.Length, ((byte[])written.Get("jpeg-thumbnail-data")).Length);
        return new MemoryStream(bytes);
    }

    private static string MainColour(PixelSample sample)
    {
        var pixels = sample.Rgb.Length / 3;
        double Mean(int channel) => Enumerable.Range(0, pixels).Average(i => sample.Rgb[i * 3 + channel]);
        return (Mean(0), Mean(2)) switch
        {
            ( > 200, < 50) => "red",
            ( < 50, > 200) => "blue",
            var (r, b) => $"neither (mean red {r:0}, blue {b:0})",
        };
    }

    [Fact]
    public async Task A_pixel_sample_shows_transparency_as_white()
    {
        using var transparent = Image.Black(100, 50, bands: 4).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        using var png = new MemoryStream(transparent.PngsaveBuffer());

        var sample = await _thumbnailer.CreateSampleAsync(png, 0, CancellationToken.None);

        Assert.Equal((64, 32), (sample.Width, sample.Height));
        Assert.All(sample.Rgb, value => Assert.Equal(255, value));
    }

    [Theory]
    [InlineData("scan-lzw.tiff")] // embeds an ICC profile
    [InlineData("nikon-gps.jpg")] // has none
    public async Task The_caption_image_has_the_colours_of_a_full_sRGB_conversion(string file)
    {
        await using var stream = File.OpenRead(TestData.Image(file));
        var caption = await _thumbnailer.CreateCaptionImageAsync(stream, 0, 512, CancellationToken.None);

        using var reference = Image.ThumbnailBuffer(File.ReadAllBytes(TestData.Image(file)), 512, height: 512, outputProfile: "srgb");
        using var flat = reference.HasAlpha() ? reference.Flatten(background: [255, 255, 255]) : reference.Copy();
        var expected = new EncodedImage(flat.JpegsaveBuffer(q: 85), flat.Width, flat.Height);
        Assert.Equal((expected.Width, expected.Height), (caption.Width, caption.Height));
        Assert.True(Difference(caption, expected) < 2, $"mean difference {Difference(caption, expected):0.00} per channel");
    }

    private static double Difference(EncodedImage a, EncodedImage b)
    {
        using var left = Image.NewFromBuffer(a.Bytes);
        using var right = Image.NewFromBuffer(b.Bytes);
        using var diff = (left - right).Abs();
        return diff.Avg();
    }
}
