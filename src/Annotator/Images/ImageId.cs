using System.Diagnostics.CodeAnalysis;

namespace Annotator.Images;

/// <summary>
/// An image's identity: a UUIDv7, so ids sort by creation time (newest-first paging is an index scan)
/// and can be made on any node without coordination. Written as 36 lowercase characters.
/// </summary>
public readonly record struct ImageId(Guid Value)
{
    public static ImageId New() => new(Guid.CreateVersion7());

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
