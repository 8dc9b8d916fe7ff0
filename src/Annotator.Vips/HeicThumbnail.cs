using System.Buffers.Binary;

namespace Annotator.Thumbnails;

/// <summary>
/// The small image a HEIC carries beside its photo (an iPhone's is 320×240, HEVC: the item whose 'thmb' reference names
/// the primary image), rewrapped as a HEIF file of its own, since ImageMagick decodes only a file's primary image. For the
/// describer's sample: ImageMagick decodes a 12 MP iPhone photo in 300–450 ms here, and its thumbnail in a few. The new
/// file holds the thumbnail's coded data and its own properties (its codec setup, size, colour profile, rotation), so
/// libheif shows it as it shows the photo. Only a thumbnail with the photo's shape, its longest side within the bounds,
/// is taken; anything unexpected gives null, and the photo itself is decoded (and says what is wrong with it).
/// </summary>
internal static class HeicThumbnail
{
    private const uint Meta = 0x6D657461, Pitm = 0x7069746D, Iinf = 0x69696E66, Infe = 0x696E6665, Iref = 0x69726566,
        Thmb = 0x74686D62, Iloc = 0x696C6F63, Idat = 0x69646174, Iprp = 0x69707270, Ipco = 0x6970636F, Ipma = 0x69706D61,
        Ispe = 0x69737065, Irot = 0x69726F74, Hvc1 = 0x68766331;

    /// <summary>Far above any embedded thumbnail's coded size: more is not a thumbnail.</summary>
    private const long MaxCodedBytes = 4 << 20;

    /// <summary>A box in the file: its type, and where it starts, where its body starts and where it ends.</summary>
    private readonly record struct Found(uint Type, int Start, int Body, int End);

    private readonly record struct Association(bool Essential, int Index);

    /// <summary>The thumbnail as a HEIF file, or null when there is none fit to stand for the photo.</summary>
    public static byte[]? Extract(byte[] file, int minEdge, int maxEdge)
    {
        try
        {
            return Rewrap(file, minEdge, maxEdge);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or InvalidDataException)
        {
            return null; // every read is bounds-checked by the runtime; a box that lies ends here
        }
    }

    private static byte[]? Rewrap(byte[] file, int minEdge, int maxEdge)
    {
        if (Children(file, 0, file.Length).FirstOrDefault(b => b.Type == Meta) is not { End: > 0 } meta) return null;
        var boxes = Children(file, meta.Body + 4, meta.End).ToList(); // 'meta' is a full box
        Found? Find(uint type) => boxes.Where(b => b.Type == type).Select(b => (Found?)b).FirstOrDefault();
        if (Find(Pitm) is not { } pitm || Find(Iref) is not { } iref || Find(Iinf) is not { } iinf || Find(Iloc) is not { } iloc
            || Find(Iprp) is not { } iprp) return null;

        var primary = file[pitm.Body] == 0 ? U16(file, pitm.Body + 4) : U32(file, pitm.Body + 4);
        if (ThumbnailOf(file, iref, primary) is not { } thumbnail || ItemType(file, iinf, thumbnail) != Hvc1) return null;

        var properties = Children(file, iprp.Body, iprp.End).Where(b => b.Type == Ipco).Select(b => Children(file, b.Body, b.End).ToList()).FirstOrDefault();
        if (properties is null) return null;
        var associations = Associations(file, Children(file, iprp.Body, iprp.End).Where(b => b.Type == Ipma));
        if (!associations.TryGetValue(thumbnail, out var own) || !associations.TryGetValue(primary, out var photos)) return null;
        if (Shown(file, properties, own) is not { } small || Shown(file, properties, photos) is not { } photo) return null;
        var sameShape = Math.Abs((double)small.Width * photo.Height - (double)small.Height * photo.Width) <= 0.02 * small.Height * photo.Width;
        var longest = Math.Max(small.Width, small.Height);
        if (!sameShape || longest < minEdge || longest > maxEdge || own.Count > 127) return null;

        if (CodedData(file, iloc, Find(Idat), thumbnail) is not { } coded) return null;
        return Write(file, [.. own.Select(a => (a.Essential, properties[a.Index - 1]))], coded);
    }

    /// <summary>The item whose 'thmb' reference names <paramref name="primary"/>.</summary>
    private static uint? ThumbnailOf(byte[] file, Found iref, uint primary)
    {
        var wide = file[iref.Body] != 0; // version 1: 32-bit item ids
        foreach (var reference in Children(file, iref.Body + 4, iref.End))
        {
            if (reference.Type != Thmb) continue;
            var at = reference.Body;
            var from = wide ? U32(file, at) : U16(file, at);
            at += wide ? 4 : 2;
            int count = U16(file, at);
            at += 2;
            for (var i = 0; i < count; i++, at += wide ? 4 : 2)
                if ((wide ? U32(file, at) : U16(file, at)) == primary) return from;
        }
        return null;
    }

    private static uint? ItemType(byte[] file, Found iinf, uint item)
    {
        foreach (var infe in Children(file, iinf.Body + (file[iinf.Body] == 0 ? 6 : 8), iinf.End))
        {
            var version = file[infe.Body];
            if (infe.Type != Infe || version < 2) continue;
            var id = version >= 3 ? U32(file, infe.Body + 4) : U16(file, infe.Body + 4);
            if (id == item) return U32(file, infe.Body + (version >= 3 ? 10 : 8));
        }
        return null;
    }

    /// <summary>Each item's property associations, in order, from every 'ipma'.</summary>
    private static Dictionary<uint, List<Association>> Associations(byte[] file, IEnumerable<Found> ipmas)
    {
        var all = new Dictionary<uint, List<Association>>();
        foreach (var ipma in ipmas)
        {
            var version = file[ipma.Body];
            var bigIndex = (file[ipma.Body + 3] & 1) != 0;
            var count = U32(file, ipma.Body + 4);
            var at = ipma.Body + 8;
            for (var entry = 0u; entry < count; entry++)
            {
                var id = version < 1 ? U16(file, at) : U32(file, at);
                at += version < 1 ? 2 : 4;
                int n = file[at++];
                var list = all.TryGetValue(id, out var known) ? known : all[id] = [];
                for (var a = 0; a < n; a++)
                {
                    int value = bigIndex ? U16(file, at) : file[at];
                    at += bigIndex ? 2 : 1;
                    var index = value & (bigIndex ? 0x7FFF : 0x7F);
                    if (index > 0) list.Add(new Association((value & (bigIndex ? 0x8000 : 0x80)) != 0, index));
                }
            }
        }
        return all;
    }

    /// <summary>An item's size as shown: its 'ispe', turned by its 'irot'.</summary>
    private static (long Width, long Height)? Shown(byte[] file, List<Found> properties, List<Association> associations)
    {
        long width = -1, height = -1;
        var quarterTurns = 0;
        foreach (var association in associations)
        {
            var property = properties[association.Index - 1];
            if (property.Type == Ispe) (width, height) = (U32(file, property.Body + 4), U32(file, property.Body + 8));
            else if (property.Type == Irot) quarterTurns = file[property.Body] & 3;
        }
        if (width <= 0 || height <= 0) return null;
        return quarterTurns % 2 == 1 ? (height, width) : (width, height);
    }

    /// <summary>The item's coded bytes, joined from its 'iloc' extents (in the file, or in 'idat').</summary>
    private static byte[]? CodedData(byte[] file, Found iloc, Found? idat, uint item)
    {
        var version = file[iloc.Body];
        int offsetSize = file[iloc.Body + 4] >> 4, lengthSize = file[iloc.Body + 4] & 15, baseSize = file[iloc.Body + 5] >> 4;
        var indexSize = version >= 1 ? file[iloc.Body + 5] & 15 : 0;
        var at = iloc.Body + 6;
        var count = version < 2 ? U16(file, at) : U32(file, at);
        at += version < 2 ? 2 : 4;
        for (var i = 0u; i < count; i++)
        {
            var id = version < 2 ? U16(file, at) : U32(file, at);
            at += version < 2 ? 2 : 4;
            var method = version >= 1 ? U16(file, at) & 15 : 0;
            at += version >= 1 ? 2 : 0;
            at += 2; // data_reference_index: 0, this file
            var baseOffset = Sized(file, ref at, baseSize);
            int extents = U16(file, at);
            at += 2;
            var parts = new List<(long Offset, long Length)>();
            for (var e = 0; e < extents; e++)
            {
                at += indexSize;
                parts.Add((baseOffset + Sized(file, ref at, offsetSize), Sized(file, ref at, lengthSize)));
            }
            if (id != item) continue;
            if (method is not (0 or 1) || (method == 1 && idat is null)) return null;
            var (origin, limit) = method == 0 ? (0L, (long)file.Length) : (idat!.Value.Body, (long)idat.Value.End);
            if (parts.Count == 0 || parts.Any(p => p.Length <= 0 || origin + p.Offset + p.Length > limit) || parts.Sum(p => p.Length) > MaxCodedBytes) return null;
            return [.. parts.SelectMany(p => file.AsSpan((int)(origin + p.Offset), (int)p.Length).ToArray())];
        }
        return null;
    }

    /// <summary>ftyp, a 'meta' with the one item and its properties, and an 'mdat' with its coded data.</summary>
    private static byte[] Write(byte[] file, List<(bool Essential, Found Property)> properties, byte[] coded)
    {
        var ipco = Box("ipco", [.. properties.SelectMany(p => file[p.Property.Start..p.Property.End])]);
        byte[] ipma = [.. FullBox(0, 0), .. U32(1), .. U16(1), (byte)properties.Count,
            .. properties.Select((p, i) => (byte)((p.Essential ? 0x80 : 0) | (i + 1)))];
        byte[] infe = [.. FullBox(2, 0), .. U16(1), .. U16(0), .. "hvc1"u8, 0];
        byte[] MetaBox(int offset) => Box("meta", [
            .. FullBox(0, 0),
            .. Box("hdlr", [.. FullBox(0, 0), .. U32(0), .. "pict"u8, .. new byte[12], 0]),
            .. Box("pitm", [.. FullBox(0, 0), .. U16(1)]),
            .. Box("iinf", [.. FullBox(0, 0), .. U16(1), .. Box("infe", infe)]),
            .. Box("iloc", [.. FullBox(0, 0), 0x44, 0x00, .. U16(1), .. U16(1), .. U16(0), .. U16(1), .. U32((uint)offset), .. U32((uint)coded.Length)]),
            .. Box("iprp", [.. ipco, .. Box("ipma", ipma)]),
        ]);
        var ftyp = Box("ftyp", [.. "heic"u8, .. U32(0), .. "mif1"u8, .. "heic"u8]);
        var dataAt = ftyp.Length + MetaBox(0).Length + 8; // the meta box's size does not depend on the offset's value
        return [.. ftyp, .. MetaBox(dataAt), .. Box("mdat", coded)];
    }

    private static long Sized(byte[] file, ref int at, int size)
    {
        long value = size switch
        {
            0 => 0,
            4 => U32(file, at),
            8 => (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(file.AsSpan(at, 8)), (ulong)int.MaxValue),
            _ => throw new InvalidDataException($"an 'iloc' field of {size} bytes"),
        };
        at += size;
        return value;
    }

    /// <summary>The boxes packed in file[start..end]; one that overruns its container throws, and the search ends.</summary>
    private static IEnumerable<Found> Children(byte[] file, int start, int end)
    {
        while (start + 8 <= end)
        {
            long size = U32(file, start);
            var header = 8;
            if (size == 1)
            {
                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(file.AsSpan(start + 8, 8)), (ulong)int.MaxValue);
                header = 16;
            }
            else if (size == 0) size = end - start;
            if (size < header || start + size > end) throw new InvalidDataException("a box overruns its container");
            yield return new Found(U32(file, start + 4), start, start + header, (int)(start + size));
            start += (int)size;
        }
    }

    private static byte[] Box(string type, byte[] body) => [.. U32((uint)(body.Length + 8)), .. System.Text.Encoding.ASCII.GetBytes(type), .. body];

    private static byte[] FullBox(byte version, uint flags) => [version, (byte)(flags >> 16), (byte)(flags >> 8), (byte)flags];

    private static byte[] U16(ushort value) => [(byte)(value >> 8), (byte)value];

    private static byte[] U32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static ushort U16(byte[] file, int at) => BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(at, 2));

    private static uint U32(byte[] file, int at) => BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at, 4));
}
