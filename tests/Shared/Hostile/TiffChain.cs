using System.Buffers.Binary;

namespace Annotator.Testing.Hostile;

/// <summary>One directory entry whose value fits in its 4-byte field (a SHORT or a LONG).</summary>
internal readonly record struct TiffEntry(ushort Tag, ushort Type, uint Value)
{
    public const ushort Short = 3, Long = 4;
}

/// <summary>
/// A little-endian TIFF structure (as in a TIFF file and in EXIF): the 8-byte header, a prologue of
/// data, then <c>directories</c> copies of one directory, each one's next-IFD offset naming the one
/// after it and the last one's 0. Every link points forward, so the chain ends and cannot loop: a
/// reader that follows it does exactly <c>directories</c> steps, and loop detection does not stop it.
/// </summary>
internal static class TiffChain
{
    public static int DirectorySize(int entries) => 2 + 12 * entries + 4;

    /// <param name="prologue">Bytes placed at offset 8, before the first directory (a strip's pixels); padded to an even length.</param>
    /// <param name="entries">Sorted by tag, as TIFF requires.</param>
    public static byte[] Build(int directories, ReadOnlySpan<byte> prologue, params TiffEntry[] entries)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(directories);
        // Directories start on a word boundary, as TIFF requires; every directory's size is even too.
        var first = 8 + (prologue.Length + 1) / 2 * 2;
        var size = DirectorySize(entries.Length);
        var bytes = new byte[checked(first + (long)directories * size)];
        "II*\0"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)first);
        prologue.CopyTo(bytes.AsSpan(8));

        for (var d = 0; d < directories; d++)
        {
            var at = bytes.AsSpan(first + d * size, size);
            BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)entries.Length);
            for (var e = 0; e < entries.Length; e++)
            {
                var entry = at.Slice(2 + 12 * e, 12);
                BinaryPrimitives.WriteUInt16LittleEndian(entry, entries[e].Tag);
                BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], entries[e].Type);
                BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 1); // count: one value
                // Little-endian, so a SHORT lands in the first two bytes of the field, where it belongs.
                BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], entries[e].Value);
            }
            var next = d + 1 < directories ? (uint)(first + (d + 1) * size) : 0u;
            BinaryPrimitives.WriteUInt32LittleEndian(at[^4..], next);
        }
        return bytes;
    }
}
