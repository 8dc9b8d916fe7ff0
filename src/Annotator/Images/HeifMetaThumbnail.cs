namespace Annotator.Images;

/// <summary>
/// The thumbnail a HEIC stores for its primary image: the HEVC item whose 'thmb' reference ('iref') names it, located for
/// <see cref="HeifThumbnail"/>: its coded bytes (from 'iloc') and its own property boxes (from 'ipma'), each as a place in
/// the file, with the sizes both images are shown at.
/// </summary>
internal sealed partial class HeifMeta
{
    private const uint Meta = 0x6D657461, Iref = 0x69726566, Thmb = 0x74686D62;

    /// <summary>A thumbnail's coded extents, its property boxes (whole, in association order) and both images' shown sizes.</summary>
    public sealed record Thumbnail(IReadOnlyList<Extent> Data, IReadOnlyList<(bool Essential, Extent Box)> Properties,
        (long Width, long Height) Shown, (long Width, long Height) PhotoShown);

    /// <summary>The primary image's HEVC thumbnail in <paramref name="file"/>, a whole HEIF; null when it has none.</summary>
    public Thumbnail? FindThumbnail(ReadOnlySpan<byte> file)
    {
        var top = new Boxes(this, file);
        while (top.MoveNext())
            if (top.Type == Meta && file.Overlaps(top.Body, out var metaAt)) return FindThumbnail(top.Body, metaAt);
        return null;
    }

    private Thumbnail? FindThumbnail(ReadOnlySpan<byte> meta, long metaAt)
    {
        uint? photo = null;
        ReadOnlySpan<byte> iref = default, iinf = default, iloc = default, iprp = default;
        long idatAt = -1;
        var children = new Boxes(this, Body(meta, 4));
        while (children.MoveNext())
        {
            var body = children.Body;
            if (children.Type == Pitm) photo = Version(body) == 0 ? U16(body, 4) : U32(body, 4);
            else if (children.Type == Iref) iref = body;
            else if (children.Type == Iinf) iinf = body;
            else if (children.Type == Iloc) iloc = body;
            else if (children.Type == Iprp) iprp = body;
            else if (children.Type == Idat && meta.Overlaps(body, out var offset)) idatAt = metaAt + offset;
        }
        if (photo is not { } primary || iref.IsEmpty || ThumbnailOf(iref, primary) is not { } item || ItemType(iinf, item) != Hvc1) return null;
        if (ItemExtents(iloc, item, idatAt) is not { } data) return null;

        var ipco = PropertyBoxes(iprp);
        var associations = Associations(iprp, [item, primary]);
        if (!associations.TryGetValue(item, out var own) || !associations.TryGetValue(primary, out var photos)) return null;
        var properties = new List<(bool, Extent)>();
        foreach (var (essential, index) in own)
        {
            Property(ipco, index, out _, out var whole);
            properties.Add((essential, meta.Overlaps(whole, out var at) ? new Extent(metaAt + at, whole.Length) : throw Damaged("a property lies outside its box")));
        }
        return Shown(ipco, own) is { } shown && Shown(ipco, photos) is { } photoShown ? new Thumbnail(data, properties, shown, photoShown) : null;
    }

    /// <summary>The item whose 'thmb' reference names <paramref name="primary"/>.</summary>
    private uint? ThumbnailOf(ReadOnlySpan<byte> iref, uint primary)
    {
        var wide = Version(iref) != 0; // version 1: 32-bit item ids
        var references = new Boxes(this, Body(iref, 4));
        while (references.MoveNext())
        {
            if (references.Type != Thmb) continue;
            var reference = references.Body;
            var from = wide ? U32(reference, 0) : U16(reference, 0);
            var at = wide ? 4 : 2;
            int count = U16(reference, at);
            for (var i = 0; i < count; i++)
                if ((wide ? U32(reference, at + 2 + i * 4) : U16(reference, at + 2 + i * 2)) == primary) return from;
        }
        return null;
    }

    /// <summary>An item's size as shown: its 'ispe', turned by its 'irot'.</summary>
    private (long Width, long Height)? Shown(ReadOnlySpan<byte> ipco, List<(bool Essential, int Index)> associations)
    {
        long width = -1, height = -1;
        var quarterTurns = 0;
        foreach (var (_, index) in associations)
        {
            var type = Property(ipco, index, out var property, out _);
            if (type == Ispe) (width, height) = (U32(property, 4), U32(property, 8));
            else if (type == Irot) quarterTurns = Byte(property, 0) & 3;
        }
        if (width < 0) return null;
        return quarterTurns % 2 == 1 ? (height, width) : (width, height);
    }
}
