namespace Annotator.Images;

/// <summary>
/// Where a HEIF's metadata items are: the 'Exif' item and the XMP one (a 'mime' item of type
/// application/rdf+xml), named in 'iinf' and located by 'iloc', in the file or in the 'idat' box.
/// One pass over each list, at most <see cref="MaxItems"/> entries, no recursion: HEIC and AVIF
/// carry their metadata nowhere else.
/// </summary>
internal sealed partial class HeifMeta
{
    /// <summary>A phone's HEIC has about 50 items (tiles, thumbnail, depth map, metadata).</summary>
    private const int MaxItems = 10_000;

    private const uint Iloc = 0x696C6F63, Idat = 0x69646174, ExifItem = 0x45786966, MimeItem = 0x6D696D65;

    /// <summary>Bytes of the file holding one item.</summary>
    public readonly record struct Extent(long Start, long Length);

    /// <param name="meta">The 'meta' box's body (from its version and flags).</param>
    /// <param name="metaAt">Where that body starts in the file, for items stored in 'idat'.</param>
    public (Extent? Exif, Extent? Xmp) MetadataItems(ReadOnlySpan<byte> meta, long metaAt)
    {
        ReadOnlySpan<byte> items = default, locations = default;
        long idatAt = -1;
        var children = new Boxes(this, Body(meta, 4));
        while (children.MoveNext())
        {
            if (children.Type == Iinf) items = children.Body;
            else if (children.Type == Iloc) locations = children.Body;
            else if (children.Type == Idat && meta.Overlaps(children.Body, out var offset)) idatAt = metaAt + offset;
        }
        var (exifId, xmpId) = MetadataItemIds(items);
        return exifId is null && xmpId is null ? (null, null) : Locate(locations, exifId, xmpId, idatAt);
    }

    private (uint? Exif, uint? Xmp) MetadataItemIds(ReadOnlySpan<byte> iinf)
    {
        uint? exif = null, xmp = null;
        if (iinf.IsEmpty) return (null, null);
        var entries = new Boxes(this, Body(iinf, Version(iinf) == 0 ? 6 : 8)); // version/flags, entry count
        for (var n = 0; n < MaxItems && entries.MoveNext(); n++)
        {
            var infe = entries.Body;
            if (entries.Type != Infe || Version(infe) < 2) continue; // versions 0 and 1 predate item types
            var wide = Version(infe) >= 3;
            var id = wide ? U32(infe, 4) : U16(infe, 4);
            var typeAt = wide ? 10 : 8;
            var type = U32(infe, typeAt);
            if (type == ExifItem) exif ??= id;
            else if (type == MimeItem && IsXmp(infe[(typeAt + 4)..])) xmp ??= id;
        }
        return (exif, xmp);
    }

    /// <summary>An item's type ('hvc1', 'av01', 'grid', 'Exif', …) from its 'infe' entry; null when it has none.</summary>
    private uint? ItemType(ReadOnlySpan<byte> iinf, uint item)
    {
        if (iinf.IsEmpty) return null;
        var entries = new Boxes(this, Body(iinf, Version(iinf) == 0 ? 6 : 8)); // version/flags, entry count
        for (var n = 0; n < MaxItems && entries.MoveNext(); n++)
        {
            var infe = entries.Body;
            if (entries.Type != Infe || Version(infe) < 2) continue; // versions 0 and 1 predate item types
            var wide = Version(infe) >= 3;
            if ((wide ? U32(infe, 4) : U16(infe, 4)) == item) return U32(infe, wide ? 10 : 8);
        }
        return null;
    }

    /// <summary>A 'mime' item's name, then its content type, each ended by a zero byte.</summary>
    private static bool IsXmp(ReadOnlySpan<byte> nameAndType)
    {
        var nameEnd = nameAndType.IndexOf((byte)0);
        if (nameEnd < 0) return false;
        var type = nameAndType[(nameEnd + 1)..];
        var typeEnd = type.IndexOf((byte)0);
        return (typeEnd < 0 ? type : type[..typeEnd]).SequenceEqual("application/rdf+xml"u8);
    }

    /// <summary>
    /// The two items' single extents from 'iloc'. An item in several extents is left out: metadata is written whole, and
    /// anything else is unusual.
    /// </summary>
    private (Extent?, Extent?) Locate(ReadOnlySpan<byte> iloc, uint? exifId, uint? xmpId, long idatAt) =>
        (exifId is { } exif && ItemExtents(iloc, exif, idatAt) is [var exifAt] ? exifAt : null,
         xmpId is { } xmp && ItemExtents(iloc, xmp, idatAt) is [var xmpAt] ? xmpAt : null);

    /// <summary>
    /// Where <paramref name="item"/>'s bytes are, from 'iloc': its extents in the file, or in 'idat' (<paramref name="idatAt"/>,
    /// -1 when there is none). Null for an item that is not there, in another file, built by reference from other items, or
    /// with an extent of "the whole file" (0 bytes).
    /// </summary>
    private Extent[]? ItemExtents(ReadOnlySpan<byte> iloc, uint item, long idatAt)
    {
        var version = Version(iloc);
        if (iloc.IsEmpty || version > 2) return null;
        var sizes = U16(iloc, 4);
        int offsetSize = sizes >> 12, lengthSize = (sizes >> 8) & 0xF, baseSize = (sizes >> 4) & 0xF, indexSize = version > 0 ? sizes & 0xF : 0;
        if (!ValidSize(offsetSize) || !ValidSize(lengthSize) || !ValidSize(baseSize) || !ValidSize(indexSize))
            throw Damaged("its item locations use field sizes other than 0, 4 or 8 bytes");
        var count = version < 2 ? U16(iloc, 6) : U32(iloc, 6);
        var at = version < 2 ? 8 : 10;
        for (var i = 0u; i < Math.Min(count, MaxItems); i++)
        {
            var id = version < 2 ? U16(iloc, at) : U32(iloc, at);
            at += version < 2 ? 2 : 4;
            var method = version > 0 ? U16(iloc, at) & 0xF : 0; // 0: in the file, 1: in 'idat', 2: from other items
            at += version > 0 ? 2 : 0;
            var reference = U16(iloc, at); // 0: this file
            var baseOffset = Sized(iloc, at + 2, baseSize);
            int extentCount = U16(iloc, at + 2 + baseSize);
            at += 4 + baseSize;
            var extentSize = indexSize + offsetSize + lengthSize;
            if (id != item)
            {
                at += extentCount * extentSize; // another item's extents: stepped over, not read
                continue;
            }
            if (extentCount == 0 || reference != 0 || method > 1 || (method == 1 && idatAt < 0)) return null;
            var extents = new Extent[extentCount];
            for (var e = 0; e < extentCount; e++, at += extentSize)
            {
                var offset = Sized(iloc, at + indexSize, offsetSize);
                var length = Sized(iloc, at + indexSize + offsetSize, lengthSize);
                if (length == 0) return null;
                extents[e] = new Extent((method == 1 ? idatAt : 0) + baseOffset + offset, length);
            }
            return extents;
        }
        return null;
    }

    private static bool ValidSize(int size) => size is 0 or 4 or 8;

    /// <summary>A 0-, 4- or 8-byte field; values past what a file can hold are clamped, and later fail the bounds checks.</summary>
    private long Sized(ReadOnlySpan<byte> box, int at, int size) => size switch
    {
        0 => 0,
        4 => U32(box, at),
        _ => (long)Math.Min((ulong)U32(box, at) << 32 | U32(box, at + 4), int.MaxValue),
    };
}
