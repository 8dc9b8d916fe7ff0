using Annotator.Images;
using Annotator.Testing;

namespace Annotator.Tests.Images;

public sealed class FactsReaderTests
{
    private static ImageFacts Read(string path)
    {
        using var file = File.OpenRead(path);
        return FactsReader.Read(file);
    }

    [Fact]
    public void Camera_date_exposure_and_GPS_come_from_EXIF()
    {
        var facts = Read(TestData.Image("nikon-gps.jpg"));

        Assert.Equal("NIKON COOLPIX P6000", facts.Camera);
        Assert.Equal(new DateTime(2008, 10, 22, 16, 28, 39), facts.TakenAt);
        Assert.Equal(43.467448, facts.Latitude!.Value, 4);
        Assert.Equal(11.885127, facts.Longitude!.Value, 4);
        Assert.Equal(64, facts.Iso);
        Assert.Equal("1/75 sec", facts.ExposureTime); // stored as 4/300
    }

    [Theory]
    [InlineData("photo-jolla.png")]  // eXIf chunk
    [InlineData("photo-jolla.webp")] // RIFF EXIF chunk
    [InlineData("phone-jolla.jpg")]  // APP1
    public void EXIF_is_read_from_every_container_that_carries_it(string file)
    {
        var facts = Read(TestData.Image(file));

        Assert.Equal("Jolla", facts.Camera);
        Assert.Equal(new DateTime(2014, 9, 21, 16, 0, 56), facts.TakenAt);
        Assert.Equal(320, facts.Iso);
    }

    [Fact]
    public void The_make_is_not_repeated_when_the_model_names_it()
    {
        Assert.Equal("Canon EOS 1300D", Read(TestData.Image("canon-18mp-dark.jpg")).Camera);
    }

    [Theory]
    [InlineData("exif-portrait-6.jpg", 6, true)]
    [InlineData("exif-landscape-1.jpg", 1, false)]
    [InlineData("exif-landscape-8.jpg", 8, true)]
    public void The_orientation_says_whether_width_and_height_swap(string file, int orientation, bool swaps)
    {
        var facts = Read(TestData.Image(file));

        Assert.Equal(orientation, facts.Orientation);
        Assert.Equal(swaps, facts.SwapsDimensions);
    }

    [Theory]
    [InlineData("cutout-alpha.png")]
    [InlineData("animated.gif")]
    public void An_image_without_EXIF_has_no_facts(string file)
    {
        var facts = Read(TestData.Image(file));

        Assert.Null(facts.Camera);
        Assert.Null(facts.TakenAt);
        Assert.Equal(1, facts.Orientation);
    }

    [Fact]
    public void A_chain_of_20000_directories_is_read_as_far_as_the_first_and_no_further()
    {
        // Recursing once per directory overflowed the stack of a request thread and killed the process.
        using var png = new MemoryStream(Annotator.Testing.Hostile.HostileFiles.PngWithExifIfdChain(20_000));

        Assert.Equal(ImageFacts.None, FactsReader.Read(png));
    }

    [Fact]
    public void A_tiff_of_100000_pages_gives_its_first_page_facts()
    {
        using var tiff = new MemoryStream(Annotator.Testing.Hostile.HostileFiles.TiffWithPages(100_000));

        Assert.Equal(1, FactsReader.Read(tiff).Orientation);
    }

    [Fact]
    public void Garbage_gives_no_facts_rather_than_an_error()
    {
        using var noise = new MemoryStream([0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0, (byte)'M', (byte)'M', 0, 42, 0xFF, 0xFF, 0xFF]);

        Assert.Equal(ImageFacts.None, FactsReader.Read(noise));
    }
}
