using System.Buffers.Binary;

namespace Annotator.Images;

/// <summary>
/// TIFF: reads the first image directory (IFD0) for the size, and checks that every strip or tile it
/// points at lies inside the file, which is how a cut-off TIFF shows. Later pages are only counted.
/// </summary>
internal static class TiffInspector
{
    /// <summary>
    /// libtiff walks every directory each time a file is opened (libvips counts the pages), so 100,000 tiny
    /// pages cost seconds per open though each is 8×8. Scanned documents have tens or hundreds of pages.
    /// </summary>
    public const int MaxPages = 1000;

    private const ushort ImageWidth = 256, ImageLength = 257, StripOffsets = 273, StripByteCounts = 279,
        TileOffsets = 324, TileByteCounts = 325;
    private const ushort Short = 3, Long = 4;

    /// <summary>
    /// One directory entry. Field is the 4-byte value field exactly as in the file (packed little-endian
    /// here, decoded in the file's byte order when used): the value itself when it fits, else an offset.
    /// </summary>
    private readonly record struct Entry(ushort Type, uint Count, uint Field)
    {
        public void FieldBytes(Span<byte> bytes) => BinaryPrimitives.WriteUInt32LittleEndian(bytes, Field);
    }

    public static ImageHeader Inspect(ImageReader reader, long maxPixels)
    {
        reader.Truncation = "the TIFF is truncated: it ends inside its header";
        var header = reader.Read(8);
        var little = header[0] == 'I';
        if (header[2] == 43 || header[3] == 43)
            throw new ImageRejectedException(RejectionKind.Unsupported,
                $"BigTIFF is not a supported format {OtherFormats.Accepted}: save it as a regular TIFF");
        var directory = U32(header[4..], little);
        if (directory < 8 || directory + 2L > reader.Length)
            throw Reject.Damaged("the TIFF is truncated: its image directory lies beyond the end of the file");

        reader.Seek(directory);
        reader.Truncation = "the TIFF is truncated: it ends inside its image directory";
        int count = U16(reader.Read(2), little);
        if (count == 0) throw Reject.Damaged("the TIFF is damaged: its image directory is empty");
        long width = -1, height = -1; // -1: not declared
        Entry strips = default, stripSizes = default, tiles = default, tileSizes = default;
        for (var i = 0; i < count; i++)
        {
            var raw = reader.Read(12); // tag, type, count, value or offset
            var entry = new Entry(U16(raw[2..], little), U32(raw[4..], little), BinaryPrimitives.ReadUInt32LittleEndian(raw[8..]));
            switch (U16(raw, little))
            {
                case ImageWidth: width = SingleValue(entry, little, "width"); break;
                case ImageLength: height = SingleValue(entry, little, "height"); break;
                case StripOffsets: strips = entry; break;
                case StripByteCounts: stripSizes = entry; break;
                case TileOffsets: tiles = entry; break;
                case TileByteCounts: tileSizes = entry; break;
            }
        }
        var nextLink = reader.Position; // IFD0's entries are followed by its link to the next page
        if (width < 0 || height < 0) throw Reject.Damaged("the TIFF is damaged: it does not declare its width and height");
        Reject.CheckSize("the TIFF", width, height, maxPixels);
        CheckPageCount(reader, nextLink, little);

        if (tiles.Count > 0) CheckData(reader, tiles, tileSizes, "tile", little);
        else if (strips.Count > 0) CheckData(reader, strips, stripSizes, "strip", little);
        else throw Reject.Damaged("the TIFF has no image data (no strip or tile offsets)");
        return new ImageHeader(ImageFormat.Tiff, (int)width, (int)height);
    }

    /// <summary>Follows the next-directory links from IFD0's, iteratively, and refuses more than <see cref="MaxPages"/>.</summary>
    /// <param name="link">Where IFD0's link to the next directory is, right after its entries.</param>
    private static void CheckPageCount(ImageReader reader, long link, bool little)
    {
        var seen = new HashSet<long>();
        for (var pages = 1; link + 4 <= reader.Length; pages++)
        {
            reader.Seek(link);
            long next = U32(reader.Read(4), little);
            // 0 ends the chain; a link out of the file or back to a directory already seen ends it too,
            // and is the decoder's to report (libtiff detects loops).
            if (next == 0 || next + 2 > reader.Length || !seen.Add(next)) return;
            if (pages == MaxPages)
                throw new ImageRejectedException(RejectionKind.TooCostly,
                    $"the TIFF has more than {MaxPages:N0} pages, and every one is read each time it is opened: keep the pages you need in a smaller file");
            reader.Seek(next);
            link = next + 2 + 12L * U16(reader.Read(2), little);
        }
    }

    private static long SingleValue(Entry entry, bool little, string what)
    {
        if (entry.Type is not (Short or Long) || entry.Count != 1)
            throw Reject.Damaged($"the TIFF is damaged: its {what} is not stored as a single number");
        Span<byte> field = stackalloc byte[4];
        entry.FieldBytes(field);
        return entry.Type == Short ? U16(field, little) : U32(field, little);
    }

    /// <summary>Checks each offset + byte count pair ends inside the file, a batch of pairs at a time.</summary>
    private static void CheckData(ImageReader reader, Entry offsets, Entry sizes, string what, bool little)
    {
        if (sizes.Count != 0 && sizes.Count != offsets.Count)
            throw Reject.Damaged($"the TIFF is damaged: it lists {offsets.Count} {what} offsets but {sizes.Count} {what} sizes");
        Span<long> starts = stackalloc long[256];
        Span<long> lengths = stackalloc long[256];
        for (uint first = 0; first < offsets.Count; first += (uint)starts.Length)
        {
            var batch = (int)Math.Min(starts.Length, offsets.Count - first);
            ReadValues(reader, offsets, first, starts[..batch], little, what);
            // Old writers leave out the byte counts of a single strip; then only the offset can be checked.
            if (sizes.Count == 0) lengths.Clear();
            else ReadValues(reader, sizes, first, lengths[..batch], little, what);
            for (var i = 0; i < batch; i++)
                if (starts[i] + lengths[i] > reader.Length)
                    throw Reject.Damaged($"the TIFF is truncated: {what} {first + i + 1} of {offsets.Count} lies beyond the end of the file");
        }
    }

    private static void ReadValues(ImageReader reader, Entry entry, uint first, Span<long> values, bool little, string what)
    {
        if (entry.Type is not (Short or Long))
            throw Reject.Damaged($"the TIFF is damaged: its {what} offsets or sizes have the wrong number type");
        var size = entry.Type == Short ? 2 : 4;
        Span<byte> field = stackalloc byte[4];
        entry.FieldBytes(field);
        if (entry.Count * (long)size <= 4)
        {
            // Up to two SHORTs or one LONG are stored in the entry itself.
            for (var i = 0; i < values.Length; i++)
                values[i] = size == 2 ? U16(field[(((int)first + i) * 2)..], little) : U32(field, little);
            return;
        }
        long list = U32(field, little);
        var at = list + first * (long)size;
        if (list + entry.Count * (long)size > reader.Length)
            throw Reject.Damaged($"the TIFF is truncated: its list of {what} offsets or sizes lies beyond the end of the file");
        reader.Seek(at);
        var bytes = reader.Read(values.Length * size);
        for (var i = 0; i < values.Length; i++)
            values[i] = size == 2 ? U16(bytes[(i * 2)..], little) : U32(bytes[(i * 4)..], little);
    }

    private static ushort U16(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint U32(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
}
