using System.Buffers.Binary;

namespace Annotator.Images;

/// <summary>
/// Reads a HEIF 'meta' box for the primary image: its id ('pitm'), its codec ('iinf'), and its size,
/// the 'ispe' property associated with it in 'ipma'. The first 'ispe' is often the wrong one: an iPhone
/// HEIC is a grid of 512×512 tiles, each with its own 'ispe', and only the grid item's is the photo's.
/// </summary>
internal sealed partial class HeifMeta(string name)
{
    public const uint Av01 = 0x61763031, Hvc1 = 0x68766331, Grid = 0x67726964;
    private const uint Hdlr = 0x68646C72, Pitm = 0x7069746D, Iinf = 0x69696E66, Infe = 0x696E6665, Iprp = 0x69707270,
        Ipco = 0x6970636F, Ipma = 0x69706D61, Ispe = 0x69737065, Irot = 0x69726F74, Pict = 0x70696374;

    /// <summary>The primary image: its item type (codec or 'grid'), whether any item uses AV1 or HEVC, and its size.</summary>
    public readonly record struct Primary(uint ItemType, bool AnyAv01, bool AnyHvc1, int Width, int Height);

    public Primary Read(ReadOnlySpan<byte> meta, long maxPixels)
    {
        uint? primaryId = null;
        bool isPicture = false;
        ReadOnlySpan<byte> items = default, properties = default;
        var children = new Boxes(this, Body(meta, 4)); // 'meta' is a full box: version and flags first
        while (children.MoveNext())
        {
            var body = children.Body;
            if (children.Type == Hdlr) isPicture = U32(body, 8) == Pict; // version/flags, pre_defined, then the handler
            else if (children.Type == Pitm) primaryId = Version(body) == 0 ? U16(body, 4) : U32(body, 4);
            else if (children.Type == Iinf) items = body;
            else if (children.Type == Iprp) properties = body;
        }
        if (!isPicture) throw Damaged("its metadata does not describe a picture");
        if (primaryId is not { } primary) throw Damaged("it does not say which image is the primary one (no 'pitm' box)");

        var (itemType, anyAv01, anyHvc1) = ReadItems(items, primary);
        var (width, height) = ReadSize(properties, primary, maxPixels);
        return new Primary(itemType, anyAv01, anyHvc1, width, height);
    }

    /// <summary>The primary item's type from the 'infe' entries, and whether any item is AV1 or HEVC coded.</summary>
    private (uint Type, bool AnyAv01, bool AnyHvc1) ReadItems(ReadOnlySpan<byte> iinf, uint primary)
    {
        uint? primaryType = null;
        bool anyAv01 = false, anyHvc1 = false;
        var entries = new Boxes(this, iinf.IsEmpty ? iinf : Body(iinf, Version(iinf) == 0 ? 6 : 8)); // version/flags, entry count
        while (entries.MoveNext())
        {
            var infe = entries.Body;
            if (entries.Type != Infe || Version(infe) < 2) continue; // versions 0 and 1 predate item types
            var wide = Version(infe) >= 3; // version 3 has 32-bit item ids
            var id = wide ? U32(infe, 4) : U16(infe, 4);
            var itemType = U32(infe, wide ? 10 : 8);
            anyAv01 |= itemType == Av01;
            anyHvc1 |= itemType == Hvc1;
            if (id == primary) primaryType = itemType;
        }
        return primaryType is { } found ? (found, anyAv01, anyHvc1)
            : throw Damaged("its primary image is missing from its item list");
    }

    /// <summary>
    /// The primary image's 'ispe' (width and height as coded), turned by its 'irot' if it has one:
    /// rotation is part of a HEIF image, every decoder applies it, so 90° or 270° swaps the sides.
    /// A 'clap' crop is not applied: it only ever makes the image smaller.
    /// </summary>
    private (int Width, int Height) ReadSize(ReadOnlySpan<byte> iprp, uint primary, long maxPixels)
    {
        var container = PropertyBoxes(iprp);
        CheckEveryImageSize(container, maxPixels);
        var own = Associations(iprp, [primary]).GetValueOrDefault(primary) ?? [];
        if (Shown(container, own) is not { } size) throw Damaged("it does not declare the size of its primary image (no 'ispe' property)");
        var (width, height) = size;
        Reject.CheckSize(name, width, height, maxPixels);
        return ((int)width, (int)height);
    }

    /// <summary>'ipco': the properties, numbered from 1 in order.</summary>
    private ReadOnlySpan<byte> PropertyBoxes(ReadOnlySpan<byte> iprp)
    {
        var children = new Boxes(this, iprp);
        while (children.MoveNext())
            if (children.Type == Ipco) return children.Body;
        return default;
    }

    /// <summary>
    /// The properties of <paramref name="items"/> from every 'ipma': their indexes in 'ipco', in order, and whether each is
    /// essential. Only those items' are kept: a hostile 'ipma' may list millions of others.
    /// </summary>
    private Dictionary<uint, List<(bool Essential, int Index)>> Associations(ReadOnlySpan<byte> iprp, uint[] items)
    {
        var all = new Dictionary<uint, List<(bool, int)>>();
        var children = new Boxes(this, iprp);
        while (children.MoveNext())
        {
            if (children.Type != Ipma) continue;
            var ipma = children.Body;
            var version = Version(ipma);
            var bigIndex = (U32(ipma, 0) & 1) != 0; // flags bit 0: 15-bit property indexes
            var count = U32(ipma, 4);
            var at = 8;
            for (var entry = 0u; entry < count; entry++)
            {
                var id = version < 1 ? U16(ipma, at) : U32(ipma, at);
                at += version < 1 ? 2 : 4;
                int associations = Byte(ipma, at++);
                var list = !items.Contains(id) ? null : all.TryGetValue(id, out var known) ? known : all[id] = [];
                for (var a = 0; a < associations; a++)
                {
                    int value = bigIndex ? U16(ipma, at) : Byte(ipma, at);
                    at += bigIndex ? 2 : 1;
                    var index = value & (bigIndex ? 0x7FFF : 0x7F); // the top bit: "essential"
                    if (index != 0) list?.Add(((value & (bigIndex ? 0x8000 : 0x80)) != 0, index));
                }
            }
        }
        return all;
    }

    // A decoder allocates every coded image (tile, thumbnail, depth map) at its 'ispe' size, so one
    // over the limit is a bomb even when the primary image is small.
    private void CheckEveryImageSize(ReadOnlySpan<byte> ipco, long maxPixels)
    {
        var properties = new Boxes(this, ipco);
        while (properties.MoveNext())
            if (properties.Type == Ispe) Reject.CheckSize(name, U32(properties.Body, 4), U32(properties.Body, 8), maxPixels);
    }

    /// <summary>Property <paramref name="index"/> of 'ipco': its type, its body and the whole box.</summary>
    private uint Property(ReadOnlySpan<byte> ipco, int index, out ReadOnlySpan<byte> body, out ReadOnlySpan<byte> whole)
    {
        var properties = new Boxes(this, ipco);
        for (var i = 1; properties.MoveNext(); i++)
        {
            body = properties.Body;
            whole = properties.Whole;
            if (i == index) return properties.Type;
        }
        throw Damaged($"its primary image refers to property {index}, which does not exist");
    }

    /// <summary>Walks the child boxes packed in a box's body, checking each fits inside it.</summary>
    private ref struct Boxes(HeifMeta meta, ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public uint Type { get; private set; }

        public ReadOnlySpan<byte> Body { get; private set; }

        /// <summary>The box with its header.</summary>
        public ReadOnlySpan<byte> Whole { get; private set; }

        public bool MoveNext()
        {
            if (_rest.IsEmpty) return false;
            long size = meta.U32(_rest, 0);
            Type = meta.U32(_rest, 4);
            var header = 8;
            if (size == 1)
            {
                var large = BinaryPrimitives.ReadUInt64BigEndian(meta.Slice(_rest, 8, 8));
                size = large > int.MaxValue ? long.MaxValue : (long)large;
                header = 16;
            }
            else if (size == 0) size = _rest.Length; // "to the end of the enclosing box"
            if (size < header || size > _rest.Length)
                throw meta.Damaged($"its '{Reject.FourCC(Type)}' box overruns the box that holds it");
            Whole = _rest[..(int)size];
            Body = _rest[header..(int)size];
            _rest = _rest[(int)size..];
            return true;
        }
    }

    private static int Version(ReadOnlySpan<byte> fullBox) => fullBox.IsEmpty ? 0 : fullBox[0];

    private ReadOnlySpan<byte> Body(ReadOnlySpan<byte> box, int skip) => Slice(box, skip, box.Length - skip);

    private byte Byte(ReadOnlySpan<byte> box, int at) => Slice(box, at, 1)[0];

    private ushort U16(ReadOnlySpan<byte> box, int at) => BinaryPrimitives.ReadUInt16BigEndian(Slice(box, at, 2));

    private uint U32(ReadOnlySpan<byte> box, int at) => BinaryPrimitives.ReadUInt32BigEndian(Slice(box, at, 4));

    // Every read is bounds-checked: a hostile box must give a refusal, never an IndexOutOfRangeException.
    private ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> box, int at, int count) =>
        at >= 0 && count >= 0 && at + (long)count <= box.Length ? box.Slice(at, count) : throw Damaged("a metadata box is shorter than its contents");

    private ImageRejectedException Damaged(string why) => Reject.Damaged($"{name} is damaged: {why}");
}
