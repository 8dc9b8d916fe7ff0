using System.Diagnostics;
using Annotator.Images;
using Annotator.Testing;
using Annotator.Testing.Hostile;
using static Annotator.Testing.Hostile.MetadataFiles;

namespace Annotator.Tests.Images;

/// <summary>HEIC and AVIF keep their EXIF in an 'Exif' item of the 'meta' box, found through 'iinf' and 'iloc'.</summary>
public sealed class HeifFactsTests
{
    private static ImageFacts Read(byte[] file) => FactsReader.Read(new MemoryStream(file));

    [Fact]
    public void An_iphone_heic_gives_its_camera_lens_and_date()
    {
        var facts = Read(File.ReadAllBytes(TestData.Image("phone-iphone13.heic")));

        Assert.Equal("Apple iPhone 13 Pro Max", facts.Camera);
        Assert.Equal("iPhone 13 Pro Max back triple camera 5.7mm f/1.5", facts.Lens);
        Assert.Equal(new DateTime(2022, 2, 16, 12, 55, 41), facts.TakenAt);
        Assert.Equal(1.5, facts.FNumber);
    }

    [Fact]
    public void An_avif_gives_its_camera_and_date()
    {
        var facts = Read(File.ReadAllBytes(TestData.Image("iphone-exif.avif")));

        Assert.Equal("Apple iPhone 3GS", facts.Camera);
        Assert.Equal(new DateTime(2010, 5, 11, 10, 51, 45), facts.TakenAt);
    }

    [Fact]
    public void The_exif_item_is_found_among_other_items()
    {
        var file = Heic([new("hvc1", null, [1, 2, 3]), new("Exif", null, HeifExifItem("Google", "Pixel 8")), new("mime", "image/jpeg", [4])]);

        Assert.Equal("Google Pixel 8", Read(file).Camera);
    }

    [Fact]
    public void An_exif_item_stored_in_the_meta_box_itself_is_read_from_there()
    {
        // Construction method 1: the item is in 'idat', its offset counted from the start of that box's data.
        byte[] padding = [9, 9, 9];
        var item = HeifExifItem("samsung", "SM-S918B");
        var meta = Meta([new("Exif", null, item)], [(padding.Length, item.Length)], [.. padding, .. item]);
        byte[] file = [.. Box("ftyp", [.. "heic"u8, 0, 0, 0, 0, .. "mif1heic"u8]), .. meta];

        Assert.Equal("samsung SM-S918B", Read(file).Camera);
    }

    [Fact]
    public void An_exif_item_located_past_the_end_of_the_file_gives_no_facts()
    {
        var file = Heic([new("Exif", null, HeifExifItem("Google", "Pixel 8"))], (_, e) => (e.Offset + 1_000_000, e.Length));

        Assert.Equal(ImageFacts.None, Read(file));
    }

    [Fact]
    public void An_exif_item_whose_header_offset_points_outside_it_gives_no_facts()
    {
        byte[] item = [0xFF, 0xFF, 0xFF, 0xF0, .. JpegExifPayload("Google", "Pixel 8")];

        Assert.Equal(ImageFacts.None, Read(Heic([new("Exif", null, item)])));
    }

    [Fact]
    public void Every_cut_of_a_heic_gives_its_facts_or_none_and_never_an_error()
    {
        var file = Heic([new("Exif", null, HeifExifItem("Google", "Pixel 8"))]);
        for (var length = 0; length < file.Length; length++)
        {
            var facts = Read(file[..length]);
            Assert.True(facts == ImageFacts.None || facts.Camera == "Google Pixel 8", $"cut at {length}: {facts}");
        }
    }

    [Fact]
    public void An_infe_box_overrunning_its_item_list_gives_no_facts()
    {
        var file = Heic([new("Exif", null, HeifExifItem("Google", "Pixel 8"))]);
        var infe = IndexOf(file, "infe"u8) - 4;
        file[infe + 3] = 0xF0; // its size now runs past 'iinf'

        Assert.Equal(ImageFacts.None, Read(file));
    }

    [Fact]
    public void An_item_location_list_claiming_a_billion_items_and_extents_costs_nothing()
    {
        // 'iloc' version 2 with zero-sized offset and length fields: each extent takes no bytes, so a walk that
        // visited them would loop 65,535 times per item; the count itself is capped.
        byte[] iloc = [.. FullBox("iloc", 2, [0x00, 0x00, 0x3B, 0x9A, 0xCA, 0x00, .. Enumerable.Repeat<byte[]>([0, 0, 0, 1, 0, 0, 0, 0, 0xFF, 0xFF], 5000).SelectMany(b => b)])];
        var meta = Meta([new("Exif", null, [])], [(0, 0)]);
        var oldIloc = IndexOf(meta, "iloc"u8) - 4;
        byte[] hostileMeta = [.. meta[..oldIloc], .. iloc];
        hostileMeta[3] = 0; // fix the 'meta' size below
        var size = hostileMeta.Length;
        hostileMeta[0] = (byte)(size >> 24); hostileMeta[1] = (byte)(size >> 16); hostileMeta[2] = (byte)(size >> 8); hostileMeta[3] = (byte)size;
        byte[] file = [.. Box("ftyp", [.. "heic"u8, 0, 0, 0, 0, .. "mif1heic"u8]), .. hostileMeta];

        var clock = Stopwatch.StartNew();
        Assert.Equal(ImageFacts.None, Read(file));
        Assert.True(clock.ElapsedMilliseconds < 1000, $"took {clock.ElapsedMilliseconds} ms");
    }

    private static int IndexOf(byte[] file, ReadOnlySpan<byte> type) => file.AsSpan().IndexOf(type);
}
