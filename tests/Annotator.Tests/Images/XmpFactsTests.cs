using System.Diagnostics;
using System.Text;
using Annotator.Images;
using Annotator.Testing;
using static Annotator.Testing.Hostile.MetadataFiles;

namespace Annotator.Tests.Images;

/// <summary>XMP fills in what EXIF lacks, from every container that carries a packet, read as untrusted XML.</summary>
public sealed class XmpFactsTests
{
    private const string AsAttributes =
        " tiff:Make='FUJIFILM' tiff:Model='X-T4' exifEX:LensModel='XF23mmF1.4 R' exif:DateTimeOriginal='2023-06-01T09:30:15.25+02:00'"
        + " exif:GPSLatitude='48,51.4188N' exif:GPSLongitude='2,17,40.2W'>";

    private const string AsElements =
        "><tiff:Make>FUJIFILM</tiff:Make><tiff:Model>X-T4</tiff:Model><aux:Lens>XF23mmF1.4 R</aux:Lens>"
        + "<photoshop:DateCreated>2023-06-01T09:30:15</photoshop:DateCreated>"
        + "<exif:GPSLatitude>48,51.4188N</exif:GPSLatitude><exif:GPSLongitude>2,17,40.2W</exif:GPSLongitude>";

    private static ImageFacts Read(byte[] file) => FactsReader.Read(new MemoryStream(file));

    public static TheoryData<string, byte[]> Containers() => new()
    {
        { "JPEG APP1, attributes", Jpeg(JpegXmpPayload(Xmp(AsAttributes))) },
        { "JPEG APP1, elements", Jpeg(JpegXmpPayload(Xmp(AsElements))) },
        { "PNG iTXt", PngWithXmp(Xmp(AsAttributes)) },
        { "WebP XMP chunk", WebpWithXmp(Xmp(AsElements)) },
        { "TIFF tag 700", TiffWithXmp(Xmp(AsAttributes)) },
        { "HEIC mime item", Heic([new("mime", "application/rdf+xml", Encoding.UTF8.GetBytes(Xmp(AsAttributes)))]) },
    };

    [Theory]
    [MemberData(nameof(Containers))]
    public void Camera_lens_date_and_position_come_from_xmp_when_there_is_no_exif(string container, byte[] file)
    {
        var facts = Read(file);

        Assert.True(facts.Camera == "FUJIFILM X-T4", container);
        Assert.Equal("XF23mmF1.4 R", facts.Lens);
        Assert.Equal("2023-06-01T09:30:15", facts.TakenAt?.ToString("s")); // the camera's clock as written, whatever its zone
        Assert.Equal(48.85698, facts.Latitude!.Value, 5);
        Assert.Equal(-2.294500, facts.Longitude!.Value, 5);
    }

    [Theory]
    [InlineData("jpeg-xmp.jpg")]
    [InlineData("png-xmp.png")]
    public void Xmp_as_exiftool_writes_it_gives_the_camera_date_and_position(string seed)
    {
        var facts = FactsReader.Read(File.OpenRead(Path.Combine(TestData.RepositoryRoot, "tests", "Annotator.Fuzz", "seeds", seed)));

        Assert.Equal("NIKON COOLPIX P6000", facts.Camera);
        Assert.Equal("5.0-30.0 mm", facts.Lens);
        Assert.Equal(new DateTime(2008, 10, 22, 16, 28, 39), facts.TakenAt);
        Assert.Equal(43.467448, facts.Latitude!.Value, 5);
        Assert.Equal(11.885127, facts.Longitude!.Value, 5);
    }

    [Fact]
    public void Exif_wins_and_xmp_fills_only_what_it_lacks()
    {
        var file = Jpeg(JpegExifPayload("Canon", "Canon EOS R6"), JpegXmpPayload(Xmp(AsAttributes)));

        var facts = Read(file);

        Assert.Equal("Canon EOS R6", facts.Camera);
        Assert.Equal("XF23mmF1.4 R", facts.Lens);
        Assert.Equal(2023, facts.TakenAt!.Value.Year);
    }

    [Fact]
    public void The_jolla_photos_exif_is_not_replaced_by_its_xmp()
    {
        var facts = FactsReader.Read(File.OpenRead(TestData.Image("photo-jolla.webp")));

        Assert.Equal("Jolla", facts.Camera);
        Assert.Equal(new DateTime(2014, 9, 21, 16, 0, 56), facts.TakenAt);
    }

    [Fact]
    public void A_packet_with_a_doctype_is_refused_so_its_entities_are_never_expanded()
    {
        const string laughs = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
            + "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'><!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>]>"
            + "<x tiff:Make='&lol4;' xmlns:tiff='http://ns.adobe.com/tiff/1.0/'/>";

        var clock = Stopwatch.StartNew();
        Assert.Equal(ImageFacts.None, Read(Jpeg(JpegXmpPayload(laughs))));
        Assert.True(clock.ElapsedMilliseconds < 1000, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void An_external_entity_is_never_fetched()
    {
        const string external = "<!DOCTYPE x [<!ENTITY secret SYSTEM 'file:///etc/hostname'>]><x tiff:Model='&secret;' xmlns:tiff='http://ns.adobe.com/tiff/1.0/'/>";

        Assert.Null(Read(PngWithXmp(external)).Camera);
    }

    [Fact]
    public void A_packet_cut_off_keeps_what_came_before_the_cut()
    {
        var xmp = Xmp(AsElements);
        var cut = xmp[..(xmp.IndexOf("<aux:Lens>", StringComparison.Ordinal) + 5)];

        var facts = Read(WebpWithXmp(cut));

        Assert.Equal("FUJIFILM X-T4", facts.Camera);
        Assert.Null(facts.Lens);
    }

    [Theory]
    [InlineData("\0\x01<<>>&&; not xml")]
    [InlineData("<?xml version='1.0' encoding='x-no-such-encoding'?><x tiff:Make='A' xmlns:tiff='http://ns.adobe.com/tiff/1.0/'/>")]
    [InlineData("<x tiff:Make='A' tiff:Make='B' xmlns:tiff='http://ns.adobe.com/tiff/1.0/'/>")] // the same attribute twice
    public void Garbage_instead_of_xml_gives_no_facts(string packet)
    {
        Assert.Null(Read(Jpeg(JpegXmpPayload(packet))).CameraMake);
    }

    [Theory]
    [InlineData("91,0,0N", "2,0,0E")]    // past the pole
    [InlineData("48,51.4N", "2,17.6Q")]  // no such direction
    [InlineData("48,51.4N", "-2,17.6E")] // a sign where the direction belongs
    [InlineData("48N", "2E")]            // no minutes
    [InlineData("0,0,0N", "0,0,0E")]     // the zero a camera writes when it had no fix
    public void A_position_that_is_not_one_is_left_out(string latitude, string longitude)
    {
        var facts = Read(Jpeg(JpegXmpPayload(Xmp($" exif:GPSLatitude='{latitude}' exif:GPSLongitude='{longitude}'>"))));

        Assert.Null(facts.Latitude);
        Assert.Null(facts.Longitude);
    }

    [Fact]
    public void Control_characters_and_overlong_names_are_cleaned_as_in_exif()
    {
        var facts = Read(Jpeg(JpegXmpPayload(Xmp($" tiff:Model='Evil&#9;Corp&#10;{new string('x', 500)}'>"))));

        Assert.Equal("EvilCorp" + new string('x', 92), facts.CameraModel);
    }
}
