using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using Annotator.Images;
using Annotator.Testing.Hostile;
using NetVips;

namespace Annotator.Tests.Images;

/// <summary>
/// The hostile corpus is what it says: each file passes the upload inspector (its structure holds)
/// and really carries its attack, counted here by readers written for the test, iteratively, so a
/// reader that fails at the attack is not what checks it. Checksums are checked with System.IO.Hashing,
/// not the corpus's own CRC code.
/// </summary>
[Collection(LibvipsCollection.Name)]
public sealed class HostileFilesTests
{
    private const long Limit = 100_000_000; // the default pixel limit

    // ---- PNG ----

    [Fact]
    public void The_minimal_png_is_valid_and_decodes()
    {
        var png = HostileFiles.MinimalPng(40, 30);

        Assert.Equal(["IHDR", "IDAT", "IEND"], PngChunks(png).Select(c => c.Type));
        Assert.Equal(new ImageHeader(ImageFormat.Png, 40, 30), Inspect(png));
        using var image = Image.NewFromBuffer(png, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error);
        Assert.Equal((40, 30, 3), (image.Width, image.Height, image.Bands));
        Assert.InRange(image.Avg(), 100, 150); // the gradient, decoded
    }

    [Fact]
    public void The_exif_chunk_chains_exactly_the_directories_asked_for()
    {
        var png = HostileFiles.PngWithExifIfdChain(20_000);

        var exif = Chunk(png, "eXIf");
        Assert.InRange(exif.Length, 20_000 * 18, 20_000 * 18 + 8); // ~360 KB: 18 bytes a directory
        Assert.Equal(20_000, WalkDirectories(exif, (directory, _) =>
        {
            Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(directory));           // one entry
            Assert.Equal(0x0112, BinaryPrimitives.ReadUInt16LittleEndian(directory[2..])); // Orientation
        }));
        Assert.Equal(new ImageHeader(ImageFormat.Png, 16, 16), Inspect(png));
    }

    [Theory]
    [InlineData("zTXt")]
    [InlineData("iTXt")]
    public void The_text_chunk_inflates_to_the_size_asked_for(string type)
    {
        const long Size = 64L << 20;
        var png = type == "zTXt" ? HostileFiles.PngWithZtxtBomb(Size) : HostileFiles.PngWithItxtBomb(Size);

        var chunk = Chunk(png, type);
        var compressed = type == "zTXt"
            ? AfterKeyword(chunk, "Comment", [0])           // compression method
            : AfterKeyword(chunk, "Comment", [1, 0, 0, 0]); // compressed, method, no language, no translation
        Assert.Equal(Size, InflatedLength(compressed, HostileFiles.TextFill));
        Assert.True(png.Length < Size / 500, $"{png.Length:N0} bytes for {Size:N0} inflated");
        Assert.Equal(new ImageHeader(ImageFormat.Png, 16, 16), Inspect(png));
    }

    [Fact]
    public void The_full_size_ztxt_bomb_is_1_GB_in_about_1_MB()
    {
        // Generated and inflated in full once (about half a second): streamed, never held.
        const long Size = 1L << 30;
        var png = HostileFiles.PngWithZtxtBomb(Size);

        Assert.InRange(png.Length, 900_000, 1_100_000);
        Assert.Equal(Size, InflatedLength(AfterKeyword(Chunk(png, "zTXt"), "Comment", [0]), HostileFiles.TextFill));
        Assert.Equal(new ImageHeader(ImageFormat.Png, 16, 16), Inspect(png));
    }

    [Fact]
    public void The_icc_profile_claims_more_tags_than_it_holds()
    {
        var png = HostileFiles.PngWithIccpBomb(100_000);

        var compressed = AfterKeyword(Chunk(png, "iCCP"), "ICC profile", [0]);
        Assert.True(compressed.Length < 16_000, $"{compressed.Length:N0} bytes compressed");
        var profile = Inflate(compressed);
        // A well-formed header, true to its own size...
        Assert.InRange(profile.Length, 50_000, 56_000);
        Assert.Equal(profile.Length, BinaryPrimitives.ReadInt32BigEndian(profile));
        Assert.Equal("acsp", Encoding.ASCII.GetString(profile, 36, 4));
        Assert.Equal("mntrRGB XYZ ", Encoding.ASCII.GetString(profile, 12, 12));
        // ...whose tag count is far more than the profile can hold.
        var claimed = BinaryPrimitives.ReadInt32BigEndian(profile.AsSpan(128));
        Assert.Equal(100_000, claimed);
        Assert.True(132 + 12L * claimed > profile.Length);
        // The entries that are there point inside the profile.
        for (var i = 0; i < HostileFiles.IccTagsPresent; i++)
        {
            var entry = profile.AsSpan(132 + 12 * i);
            Assert.True(BinaryPrimitives.ReadInt32BigEndian(entry[4..]) + BinaryPrimitives.ReadInt32BigEndian(entry[8..]) <= profile.Length);
        }
        Assert.Equal(new ImageHeader(ImageFormat.Png, 16, 16), Inspect(png));
    }

    // ---- TIFF ----

    [Fact]
    public void The_tiff_has_exactly_the_pages_asked_for_each_a_valid_page()
    {
        var tiff = HostileFiles.TiffWithPages(100_000);

        Assert.InRange(tiff.Length, 10_000_000, 10_500_000);
        var pages = WalkDirectories(tiff, (directory, file) =>
        {
            Assert.Equal(8u, Value(directory, 256)); // ImageWidth
            Assert.Equal(8u, Value(directory, 257)); // ImageLength
            Assert.Equal(8u, Value(directory, 258)); // BitsPerSample
            Assert.True(Value(directory, 273) + Value(directory, 279) <= file.Length, "the strip lies inside the file");
        });
        Assert.Equal(100_000, pages);
        // Structurally sound; the upload check refuses it for its page count alone.
        Assert.Equal(RejectionKind.TooCostly, Assert.Throws<ImageRejectedException>(() => Inspect(tiff)).Kind);
        Assert.Equal(new ImageHeader(ImageFormat.Tiff, 8, 8), Inspect(HostileFiles.TiffWithPages(1_000)));
    }

    [Fact]
    public void Libvips_counts_every_page_of_the_tiff_and_decodes_them()
    {
        var tiff = HostileFiles.TiffWithPages(1_000);

        using var first = Image.NewFromBuffer(tiff, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error);
        Assert.Equal(1_000, (int)first.Get("n-pages"));
        Assert.Equal((8, 8, 1), (first.Width, first.Height, first.Bands));
        Assert.Equal(HostileFiles.TiffGrey, first.Avg());
        using var last = Image.NewFromBuffer(tiff, "[page=999]", access: Enums.Access.Sequential, failOn: Enums.FailOn.Error);
        Assert.Equal(HostileFiles.TiffGrey, last.Avg());
    }

    // ---- JPEG ----

    [Fact]
    public void The_full_size_scan_bomb_is_100_megapixels_and_2647_scans_in_under_1_MB()
    {
        var jpeg = HostileFiles.ProgressiveJpegScanBomb(10_000, 10_000, 2_647);

        Assert.True(jpeg.Length < 1_000_000, $"{jpeg.Length:N0} bytes");
        var markers = JpegMarkers(jpeg);
        Assert.Equal(0xD8, markers[0]);
        Assert.Equal(0xD9, markers[^1]);
        Assert.Equal(2_647, markers.Count(m => m == 0xDA));
        Assert.Single(markers, m => m == 0xC2); // progressive, Huffman
        AssertInspected(jpeg, 10_000, 10_000, 2_647);
    }

    [Theory]
    [InlineData(512, 512, 20)]                       // within the upload check's scan budget
    [InlineData(100, 60, HostileFiles.LegalScans)]   // the whole legal progression, and partial blocks
    [InlineData(64, 64, 2_647)]                      // the progression three times over, as the full-size bomb
    public void Libvips_decodes_the_scan_bomb_without_a_warning(int width, int height, int scans)
    {
        var jpeg = HostileFiles.ProgressiveJpegScanBomb(width, height, scans);

        Assert.Equal(scans, JpegMarkers(jpeg).Count(m => m == 0xDA));
        AssertInspected(jpeg, width, height, scans);
        // fail-on=warning: libjpeg would have said so had it found any scan out of order.
        using var image = Image.NewFromBuffer(jpeg, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning);
        Assert.Equal((width, height, 1), (image.Width, image.Height, image.Bands));
        var pixels = image.WriteToMemory<byte>();
        Assert.Equal(width * height, pixels.Length);
        Assert.All(pixels, p => Assert.Equal(128, p)); // all coefficients zero: mid grey
    }

    [Fact]
    public void A_scan_out_of_order_is_a_warning_that_fail_on_warning_catches()
    {
        // The control for the test above: "no warning" means something only if one would have shown.
        var jpeg = HostileFiles.ProgressiveJpegScanBomb(64, 64, 30);
        var firstAcScan = jpeg.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xDA, 0, 8, 1, 1, 0, 1]); // SOS of coefficient 1
        jpeg[firstAcScan + 9] = 0x10; // Ah 1, Al 0: a refinement of a band that had no first scan

        var refusal = Assert.Throws<VipsException>(() =>
        {
            using var image = Image.NewFromBuffer(jpeg, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning);
            image.Avg();
        });
        Assert.Contains("progression", refusal.Message);
        // Only a warning: fail-on=error, what the thumbnailer uses, decodes it.
        using var lenient = Image.NewFromBuffer(jpeg, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error);
        Assert.Equal(128, lenient.Avg());
    }

    // ---- readers written for the test ----

    private static ImageHeader Inspect(byte[] file) => ImageInspector.Inspect(new MemoryStream(file, writable: false), Limit);

    // JpegInspector.MaxScans (internal): the upload check's budget of progressive scans.
    private const int UploadScanBudget = 100;

    /// <summary>
    /// The inspector walks a scan bomb's whole structure. Within its scan budget it accepts the file;
    /// over it, it refuses the file as too costly, never as damaged: the structure held, only the cost did not.
    /// </summary>
    private static void AssertInspected(byte[] jpeg, int width, int height, int scans)
    {
        if (scans <= UploadScanBudget)
            Assert.Equal((ImageFormat.Jpeg, width, height), Inspect(jpeg) is var h ? (h.Format, h.Width, h.Height) : default);
        else
            Assert.Equal(RejectionKind.TooCostly, Assert.Throws<ImageRejectedException>(() => Inspect(jpeg)).Kind);
    }

    /// <summary>Every chunk of a PNG, each checked against its CRC; IHDR first, IEND last.</summary>
    private static List<(string Type, byte[] Data)> PngChunks(byte[] png)
    {
        Assert.True(png.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]));
        var chunks = new List<(string, byte[])>();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var typeAndData = png.AsSpan(at + 4, 4 + length);
            Assert.Equal(Crc32.HashToUInt32(typeAndData), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)));
            chunks.Add((Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray()));
            at += 12 + length;
        }
        Assert.Equal("IHDR", chunks[0].Item1);
        Assert.Equal("IEND", chunks[^1].Item1);
        Assert.Contains(chunks, c => c.Item1 == "IDAT");
        return chunks;
    }

    private static byte[] Chunk(byte[] png, string type) => Assert.Single(PngChunks(png), c => c.Type == type).Data;

    /// <summary>What follows a chunk's keyword, its NUL and the fixed bytes after it: the zlib stream.</summary>
    private static byte[] AfterKeyword(byte[] chunk, string keyword, byte[] fixedBytes)
    {
        var prefix = Encoding.Latin1.GetBytes(keyword + "\0").Concat(fixedBytes).ToArray();
        Assert.True(chunk.AsSpan().StartsWith(prefix), $"the chunk starts with \"{keyword}\" and {Convert.ToHexString(fixedBytes)}");
        return chunk[prefix.Length..];
    }

    /// <summary>Inflates into a counting sink, checking every byte is <paramref name="fill"/>: nothing is held but one buffer.</summary>
    private static long InflatedLength(byte[] zlib, byte fill)
    {
        using var inflater = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        var buffer = new byte[1 << 20];
        long total = 0;
        for (int read; (read = inflater.Read(buffer)) > 0; total += read)
            Assert.True(buffer.AsSpan(0, read).IndexOfAnyExcept(fill) < 0, $"text other than {(char)fill} after {total:N0} bytes");
        return total;
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var inflater = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }

    private delegate void DirectoryCheck(ReadOnlySpan<byte> directory, byte[] file);

    /// <summary>
    /// Follows a little-endian TIFF structure's next-IFD links with a loop, checking each directory
    /// lies inside and after the last (so the chain cannot cycle), and counts them.
    /// </summary>
    private static int WalkDirectories(byte[] tiff, DirectoryCheck check)
    {
        Assert.True(tiff.AsSpan().StartsWith("II*\0"u8));
        var count = 0;
        long previous = 0;
        for (long at = BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(4)); at != 0; count++)
        {
            // Messages built only on failure: this runs 100,000 times.
            if (at <= previous || at % 2 != 0) Assert.Fail($"directory {count} at {at} does not point forward to a word boundary");
            var entries = BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan((int)at));
            var size = 2 + 12 * entries + 4;
            if (at + size > tiff.Length) Assert.Fail($"directory {count} runs past the end");
            check(tiff.AsSpan((int)at, size), tiff);
            previous = at;
            at = BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan((int)at + size - 4));
        }
        return count;
    }

    /// <summary>The single value (a SHORT or a LONG, in the entry's value field) of a directory's tag.</summary>
    private static uint Value(ReadOnlySpan<byte> directory, ushort tag)
    {
        for (var i = 0; i < BinaryPrimitives.ReadUInt16LittleEndian(directory); i++)
        {
            var entry = directory.Slice(2 + 12 * i, 12);
            if (BinaryPrimitives.ReadUInt16LittleEndian(entry) != tag) continue;
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(entry[4..])); // one value
            return BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]) == 3
                ? BinaryPrimitives.ReadUInt16LittleEndian(entry[8..])
                : BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
        }
        throw new Xunit.Sdk.XunitException($"tag {tag} is missing");
    }

    /// <summary>
    /// The markers of a JPEG in order: segments stepped over by their lengths, entropy-coded data
    /// after SOS by its byte stuffing (0xFF 0x00 is data, 0xFF 0xD0-D7 a restart).
    /// </summary>
    private static List<byte> JpegMarkers(byte[] jpeg)
    {
        var markers = new List<byte>();
        var at = 0;
        while (at < jpeg.Length)
        {
            Assert.Equal(0xFF, jpeg[at]);
            var marker = jpeg[at + 1];
            markers.Add(marker);
            at += 2;
            if (marker is 0xD8 or 0xD9) continue;
            at += BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at));
            if (marker != 0xDA) continue;
            while (!(jpeg[at] == 0xFF && jpeg[at + 1] is not (0x00 or >= 0xD0 and <= 0xD7))) at++;
        }
        return markers;
    }
}
