using Annotator.Captioning;
using Annotator.Captioning.Offline;
using Annotator.Images;
using Annotator.Processing;
using Annotator.Testing;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;

namespace Annotator.Tests.Captioning;

[Collection(LibvipsCollection.Name)]
public sealed class OfflineDescriberTests
{
    private static readonly LowPriorityThreads Cpu = new(1);

    private static Task<Caption> DescribeAsync(Image image, ImageFacts? facts = null) =>
        new OfflineDescriber(Cpu).CaptionAsync(
            new CaptionRequest(image.JpegsaveBuffer(), image.Width, image.Height, facts ?? ImageFacts.None, "x.jpg"), CancellationToken.None);

    /// <summary>A test photo described with the facts its upload would have read.</summary>
    private static async Task<Caption> DescribePhotoAsync(string name)
    {
        await using var file = File.OpenRead(TestData.Image(name));
        using var image = Image.NewFromFile(TestData.Image(name));
        return await DescribeAsync(image, FactsReader.Read(file));
    }

    public static TheoryData<string> Photos() => [.. Directory.GetFiles(Path.Combine(TestData.Root, "images")).Select(path => Path.GetFileName(path)).Order()];

    /// <summary>
    /// The describer is given a 64-pixel sample decoded straight from the original (a JPEG at 1/8 scale) instead of the
    /// 1536 px caption JPEG it used to decode again: cheaper, and a person must see the same words for every photo. Their
    /// order may differ where two colours' shares are within a pixel or two of each other (the iPhone HEIC's grey and orange).
    /// </summary>
    [Theory]
    [MemberData(nameof(Photos))]
    public async Task A_photo_is_described_alike_from_its_pixel_sample_and_from_its_caption_JPEG(string name)
    {
        var thumbnailer = new VipsThumbnailer(Options.Create(new ThumbnailOptions()), Cpu, NullLogger<VipsThumbnailer>.Instance);
        await using var file = File.OpenRead(TestData.Image(name));
        var facts = FactsReader.Read(file);
        var jpeg = await thumbnailer.CreateCaptionImageAsync(file, 0, 1536, CancellationToken.None);
        var sample = await thumbnailer.CreateSampleAsync(file, 0, CancellationToken.None);
        var describer = new OfflineDescriber(Cpu);

        var fromJpeg = await describer.CaptionAsync(new CaptionRequest(jpeg.Bytes, jpeg.Width, jpeg.Height, facts, name), CancellationToken.None);
        var fromSample = await describer.CaptionAsync(
            new CaptionRequest(ReadOnlyMemory<byte>.Empty, jpeg.Width, jpeg.Height, facts, name) { Sample = sample }, CancellationToken.None);

        Assert.Equal(Words(fromJpeg.Text), Words(fromSample.Text));
        Assert.Equal(fromJpeg.Tags.Order(), fromSample.Tags.Order());
    }

    private static IEnumerable<string> Words(string text) => text.Split([' ', ',', '.']).Order();

    private static Image Solid(int width, int height, params double[] rgb) =>
        (Image.Black(width, height) + rgb).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);

    [Fact]
    public async Task A_dark_photo_is_called_dark_and_names_its_camera_and_date()
    {
        var caption = await DescribePhotoAsync("canon-18mp-dark.jpg");

        Assert.StartsWith("A very dark landscape-format photo", caption.Text);
        Assert.Contains("taken with a Canon EOS 1300D", caption.Text);
        Assert.Contains("dark", caption.Tags);
        Assert.Contains("canon", caption.Tags);
        Assert.Equal("offline", caption.Provider);
    }

    [Theory]
    [InlineData("Apple", "iPhone 6", "taken with an Apple iPhone 6")]
    [InlineData("NIKON CORPORATION", "NIKON D70", "taken with a NIKON D70")]
    [InlineData("OLYMPUS IMAGING CORP.", "E-M10", "taken with an OLYMPUS IMAGING CORP. E-M10")]
    [InlineData("HTC", "One M8", "taken with an HTC One M8")]
    [InlineData("LG Electronics", "LG-H815", "taken with an LG-H815")]
    [InlineData("OnePlus", "ONEPLUS A6003", "taken with a ONEPLUS A6003")]
    [InlineData(null, "Unihertz Atom", "taken with a Unihertz Atom")]
    [InlineData("Canon", "Canon EOS 1300D", "taken with a Canon EOS 1300D")]
    [InlineData("Apple", "iPhone 13 Pro Max", "taken with an Apple iPhone 13 Pro Max")]
    [InlineData("HONOR", "PGT-N19", "taken with an HONOR PGT-N19")]
    [InlineData("HMD Global", "Nokia 8.3 5G", "taken with an HMD Global Nokia 8.3 5G")]
    [InlineData("Xiaomi", "2201123G", "taken with a Xiaomi 2201123G")]
    [InlineData("FUJIFILM", "X-T4", "taken with a FUJIFILM X-T4")]
    public async Task The_camera_gets_the_article_its_name_is_said_with(string? make, string model, string expected)
    {
        using var image = Solid(300, 200, 120, 120, 120);

        var caption = await DescribeAsync(image, new ImageFacts { CameraMake = make, CameraModel = model });

        Assert.Contains(expected + ".", caption.Text);
    }

    [Theory]
    [InlineData(220, 30, 30, "red")]
    [InlineData(30, 160, 60, "green")]
    [InlineData(40, 80, 200, "blue")]
    [InlineData(240, 210, 40, "yellow")]
    [InlineData(120, 70, 30, "brown")]
    public async Task The_dominant_colour_is_named(double r, double g, double b, string name)
    {
        using var image = Solid(300, 200, r, g, b);

        var caption = await DescribeAsync(image);

        Assert.Contains($"mostly {name} tones", caption.Text);
        Assert.Contains(name, caption.Tags);
    }

    [Fact]
    public async Task A_grey_image_is_black_and_white_and_the_shape_is_read_from_the_size()
    {
        using var gradient = Image.Identity().Resize(600 / 256.0, vscale: 200).Cast(Enums.BandFormat.Uchar).Colourspace(Enums.Interpretation.Srgb);

        var caption = await DescribeAsync(gradient);

        Assert.Contains("black and white", caption.Text);
        Assert.Contains("panoramic", caption.Tags);
    }

    [Fact]
    public async Task A_geotagged_photo_says_so_without_giving_the_position()
    {
        var caption = await DescribePhotoAsync("nikon-gps.jpg");

        Assert.Contains("records where it was taken", caption.Text);
        Assert.Contains("geotagged", caption.Tags);
        Assert.DoesNotContain("43.4", caption.Text);
        Assert.InRange(caption.Tags.Count, 3, 10);
    }
}
