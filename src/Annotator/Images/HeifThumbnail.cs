namespace Annotator.Images;

/// <summary>
/// The small image a HEIC carries beside its photo (an iPhone's is 320×240, HEVC), rewrapped as a HEIF file of its own,
/// since ImageMagick decodes only a file's primary image: for the describer's sample, a few milliseconds against the
/// 300–450 of a 12 MP photo. The new file holds the thumbnail's coded bytes and its own properties (codec setup, size,
/// colour profile, rotation), so a decoder shows it as it shows the photo. Anything unexpected gives null, and the photo
/// itself is decoded (which says what is wrong with it); whether the thumbnail may stand for the photo is the caller's call.
/// </summary>
public static class HeifThumbnail
{
    /// <summary>The thumbnail as a HEIF file, and the sizes it and the photo are shown at (after their rotations).</summary>
    public sealed record Found(byte[] Heif, long Width, long Height, long PhotoWidth, long PhotoHeight);

    /// <summary>Far above any embedded thumbnail's coded size: more is not a thumbnail.</summary>
    private const long MaxCodedBytes = 4 << 20;

    /// <summary>The thumbnail of <paramref name="file"/> (a whole HEIC), or null when it has none that can be read.</summary>
    public static Found? Extract(byte[] file)
    {
        HeifMeta.Thumbnail? found;
        try
        {
            found = new HeifMeta("the HEIC").FindThumbnail(file);
        }
        catch (ImageRejectedException)
        {
            return null;
        }
        if (found is not { Shown: var small, PhotoShown: var photo } thumbnail) return null;
        if (thumbnail.Properties.Count > 127 || thumbnail.Data.Sum(d => d.Length) > MaxCodedBytes || thumbnail.Data.Any(d => !Inside(file, d))) return null;
        return new Found(Write(file, thumbnail), small.Width, small.Height, photo.Width, photo.Height);
    }

    private static bool Inside(byte[] file, HeifMeta.Extent extent) => extent.Start >= 0 && extent.Length > 0 && extent.Start + extent.Length <= file.Length;

    /// <summary>'ftyp', a 'meta' with the one item and its properties, and an 'mdat' with its coded bytes.</summary>
    private static byte[] Write(byte[] file, HeifMeta.Thumbnail thumbnail)
    {
        byte[] coded = [.. thumbnail.Data.SelectMany(d => file.AsSpan((int)d.Start, (int)d.Length).ToArray())];
        var properties = thumbnail.Properties;
        var ipco = Box("ipco", [.. properties.SelectMany(p => file.AsSpan((int)p.Box.Start, (int)p.Box.Length).ToArray())]);
        byte[] ipma = [.. FullBox(0), .. U32(1), .. U16(1), (byte)properties.Count,
            .. properties.Select((p, i) => (byte)((p.Essential ? 0x80 : 0) | (i + 1)))];
        byte[] MetaBox(int dataAt) => Box("meta", [
            .. FullBox(0),
            .. Box("hdlr", [.. FullBox(0), .. U32(0), .. "pict"u8, .. new byte[12], 0]),
            .. Box("pitm", [.. FullBox(0), .. U16(1)]),
            .. Box("iinf", [.. FullBox(0), .. U16(1), .. Box("infe", [.. FullBox(2), .. U16(1), .. U16(0), .. "hvc1"u8, 0])]),
            // One item, one extent: 4-byte offsets and lengths, no base offset.
            .. Box("iloc", [.. FullBox(0), 0x44, 0x00, .. U16(1), .. U16(1), .. U16(0), .. U16(1), .. U32((uint)dataAt), .. U32((uint)coded.Length)]),
            .. Box("iprp", [.. ipco, .. Box("ipma", ipma)]),
        ]);
        var ftyp = Box("ftyp", [.. "heic"u8, .. U32(0), .. "mif1"u8, .. "heic"u8]);
        var dataAt = ftyp.Length + MetaBox(0).Length + 8; // the meta box's size does not depend on the offset's value
        return [.. ftyp, .. MetaBox(dataAt), .. Box("mdat", coded)];
    }

    private static byte[] Box(string type, byte[] body) => [.. U32((uint)(body.Length + 8)), .. System.Text.Encoding.ASCII.GetBytes(type), .. body];

    private static byte[] FullBox(byte version) => [version, 0, 0, 0];

    private static byte[] U16(ushort value) => [(byte)(value >> 8), (byte)value];

    private static byte[] U32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
