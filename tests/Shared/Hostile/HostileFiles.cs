using System.Buffers.Binary;

namespace Annotator.Testing.Hostile;

/// <summary>
/// Hostile uploads built by code, so no binary bomb is checked in. Each is structurally valid (PNG
/// chunk CRCs right, JPEG markers walkable from SOI to EOI, TIFF strips inside the file): it is meant
/// to pass the upload inspector and land on whatever reads it next (EXIF, ICC and text readers, the
/// decoder). Small parameters give small instances for quick tests; each summary gives the numbers
/// of the full-size attack. This file: the PNGs; the TIFF and the JPEG are beside it.
/// </summary>
public static partial class HostileFiles
{
    /// <summary>Text that no decoder objects to: a run of one printable Latin-1 character.</summary>
    public const byte TextFill = (byte)'A';

    /// <summary>A 16×16 PNG: the carrier for the PNG attacks, harmless on its own.</summary>
    public const int CarrierEdge = 16;

    /// <summary>How many tag table entries the iCCP bomb's profile really holds: what fits in about 53 KB.</summary>
    public const int IccTagsPresent = 4_400;

    private const int IccHeaderSize = 128, XyzElementSize = 20;

    /// <summary>A plain valid PNG, 8-bit RGB with a gradient: a baseline that every stage handles.</summary>
    public static byte[] MinimalPng(int width, int height) => PngChunks.Png(width, height);

    /// <summary>
    /// A 16×16 PNG whose <c>eXIf</c> chunk holds a TIFF structure of <paramref name="directories"/>
    /// image directories, each linked to the next by its next-IFD offset and holding one entry
    /// (Orientation = 1): 18 bytes a directory, so 20,000 directories come to about 360 KB.
    /// </summary>
    /// <remarks>
    /// An EXIF reader that follows the chain by recursion (one call per directory) overflows its stack,
    /// which in .NET kills the process rather than throwing; one that keeps every directory spends
    /// memory in proportion. The offsets only ever point forward, so a visited-offset check does not stop it.
    /// </remarks>
    public static byte[] PngWithExifIfdChain(int directories)
    {
        var exif = TiffChain.Build(directories, [], new TiffEntry(0x0112, TiffEntry.Short, 1)); // Orientation: normal
        return PngChunks.Png(CarrierEdge, CarrierEdge, ("eXIf", exif));
    }

    /// <summary>
    /// A 16×16 PNG with a <c>zTXt</c> chunk (keyword "Comment") whose zlib stream inflates to
    /// <paramref name="inflatedBytes"/> bytes of text: 1 GB (1L &lt;&lt; 30) takes about 1 MB.
    /// </summary>
    /// <remarks>
    /// A metadata reader that inflates text chunks into a string or a byte array allocates the whole
    /// inflated size (a 1 GB string is 2 GB of UTF-16), far past what the upload's own size suggests.
    /// </remarks>
    public static byte[] PngWithZtxtBomb(long inflatedBytes)
    {
        var data = new MemoryStream();
        PngChunks.WriteKeyword(data, "Comment");
        data.WriteByte(0); // compression method: zlib
        Zlib.WriteRun(data, inflatedBytes, TextFill);
        return PngChunks.Png(CarrierEdge, CarrierEdge, ("zTXt", data.ToArray()));
    }

    /// <summary>
    /// The same bomb as <see cref="PngWithZtxtBomb"/> in a compressed international text chunk
    /// (<c>iTXt</c>, keyword "Comment", no language tag): readers often handle the two apart, so each
    /// needs its own limit.
    /// </summary>
    public static byte[] PngWithItxtBomb(long inflatedBytes)
    {
        var data = new MemoryStream();
        PngChunks.WriteKeyword(data, "Comment");
        data.WriteByte(1); // compressed
        data.WriteByte(0); // compression method: zlib
        data.WriteByte(0); // language tag: empty
        data.WriteByte(0); // translated keyword: empty
        Zlib.WriteRun(data, inflatedBytes, TextFill);
        return PngChunks.Png(CarrierEdge, CarrierEdge, ("iTXt", data.ToArray()));
    }

    /// <summary>
    /// A 16×16 PNG with an <c>iCCP</c> chunk whose ICC profile (about 53 KB inflated, 10 KB
    /// compressed) has a well-formed header but a tag count of <paramref name="claimedTags"/>,
    /// far more than the profile holds (<see cref="IccTagsPresent"/>).
    /// </summary>
    /// <remarks>
    /// A naive ICC parser sizes its tag table from the count before checking it against the profile's
    /// length: 100,000 claimed tags is 1.2 MB of table from a 53 KB profile, and the count is a
    /// 32-bit number, so int.MaxValue asks for 24 GB. A careful one refuses it, as libpng does
    /// ("tag count too large": 132 + 12 × count must fit in the profile).
    /// </remarks>
    public static byte[] PngWithIccpBomb(int claimedTags)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(claimedTags);
        var data = new MemoryStream();
        PngChunks.WriteKeyword(data, "ICC profile");
        data.WriteByte(0); // compression method: zlib
        data.Write(Zlib.Compress(IccProfile(claimedTags)));
        return PngChunks.Png(CarrierEdge, CarrierEdge, ("iCCP", data.ToArray()));
    }

    /// <summary>
    /// A version 4.3 RGB display profile: header with its true size, the tag count, <see cref="IccTagsPresent"/>
    /// private tags ('p' and a number) all sharing one XYZ element (the ICC specification lets tags
    /// share data), and that element.
    /// </summary>
    private static byte[] IccProfile(int claimedTags)
    {
        var table = IccHeaderSize + 4;
        var element = table + 12 * IccTagsPresent;
        var profile = new byte[element + XyzElementSize];
        var p = profile.AsSpan();

        BinaryPrimitives.WriteInt32BigEndian(p, profile.Length);       // profile size: the truth
        BinaryPrimitives.WriteUInt32BigEndian(p[8..], 0x04300000);      // version 4.3
        "mntrRGB XYZ "u8.CopyTo(p[12..]);                               // device class, colour space, PCS
        foreach (var (at, value) in new[] { (24, 2024), (26, 1), (28, 1) }) // creation date: 2024-01-01 00:00:00
            BinaryPrimitives.WriteUInt16BigEndian(p[at..], (ushort)value);
        "acsp"u8.CopyTo(p[36..]);                                       // the profile file signature
        WriteXyz(p[68..], 0.9642, 1.0, 0.8249);                         // PCS illuminant: D50

        BinaryPrimitives.WriteInt32BigEndian(p[IccHeaderSize..], claimedTags); // the lie
        for (var i = 0; i < IccTagsPresent; i++)
        {
            var entry = p.Slice(table + 12 * i, 12);
            BinaryPrimitives.WriteUInt32BigEndian(entry, 0x70000000u | (uint)i);
            BinaryPrimitives.WriteInt32BigEndian(entry[4..], element);
            BinaryPrimitives.WriteInt32BigEndian(entry[8..], XyzElementSize);
        }
        "XYZ "u8.CopyTo(p[element..]);                                  // then 4 reserved bytes
        WriteXyz(p[(element + 8)..], 0.9505, 1.0, 1.0891);              // D65 white
        return profile;
    }

    // s15Fixed16Number: a signed 32-bit number with 16 fraction bits.
    private static void WriteXyz(Span<byte> at, double x, double y, double z)
    {
        BinaryPrimitives.WriteInt32BigEndian(at, (int)Math.Round(x * 65536));
        BinaryPrimitives.WriteInt32BigEndian(at[4..], (int)Math.Round(y * 65536));
        BinaryPrimitives.WriteInt32BigEndian(at[8..], (int)Math.Round(z * 65536));
    }
}
