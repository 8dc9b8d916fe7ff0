using System.Diagnostics.CodeAnalysis;

namespace Annotator.Images;

/// <summary>
/// An image's identity: a UUIDv7, so ids sort by creation time (newest-first paging is an index scan)
/// and can be made on any node without coordination. Written as 36 lowercase characters.
/// </summary>
public readonly record struct ImageId(Guid Value)
{
    private static readonly Lock Gate = new();
    private static UInt128 _last;

    /// <summary>
    /// A new id, strictly greater than the last one made by this process: UUIDv7 fills the bits below
    /// the millisecond with random data, so two uploads in the same millisecond would otherwise sort
    /// at random. When needed the low bits count up from the previous id instead (RFC 9562, 6.2).
    /// </summary>
    public static ImageId New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7().TryWriteBytes(bytes, bigEndian: true, out _);
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        lock (Gate)
        {
            if (value <= _last) value = _last + 1; // only the random low bits move: version and variant stay
            _last = value;
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new ImageId(new Guid(bytes, bigEndian: true));
    }

    public static bool TryParse([NotNullWhen(true)] ReadOnlySpan<char> text, out ImageId id)
    {
        id = default;
        if (text.Length != 36 || !Guid.TryParseExact(text, "D", out var guid) || guid.Version != 7) return false;
        id = new ImageId(guid);
        return true;
    }

    public static bool TryParse(string? text, out ImageId id) => TryParse(text.AsSpan(), out id);

    public override string ToString() => Value.ToString("D");
}
