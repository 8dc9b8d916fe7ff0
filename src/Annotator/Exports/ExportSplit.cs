using System.Buffers.Binary;
using System.Security.Cryptography;
using Annotator.Images;

namespace Annotator.Exports;

/// <summary>
/// Train / validation / test fractions, and which split an image falls in: by a hash of its id, so the same image
/// lands in the same split in every export with the same fractions, whatever else the export holds.
/// </summary>
public sealed record ExportSplit(double Train, double Validation, double Test)
{
    public static readonly ExportSplit AllTrain = new(1, 0, 0);

    public static readonly string[] Names = ["train", "validation", "test"];

    /// <summary>The one-line reason the fractions are not usable, or null.</summary>
    public string? Problem()
    {
        if (new[] { Train, Validation, Test }.Any(f => double.IsNaN(f) || f < 0 || f > 1)) return "split fractions must each be between 0 and 1";
        return Math.Abs(Train + Validation + Test - 1) > 1e-6 ? $"split fractions add up to {Train + Validation + Test:0.###}, not 1" : null;
    }

    /// <summary>The splits that can hold an image, in order.</summary>
    public IEnumerable<string> Used => Names.Where((_, i) => new[] { Train, Validation, Test }[i] > 0);

    /// <summary>The split of <paramref name="id"/>: the first 8 bytes of SHA-256 of its text as a fraction in [0, 1).</summary>
    public string Of(ImageId id)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(id.ToString()), hash);
        var at = (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
        if (at < Train) return "train";
        // Test == 0: rounding left a sliver above Train + Validation; it belongs to the last split in use.
        if (at < Train + Validation || Test == 0) return Validation > 0 ? "validation" : "train";
        return "test";
    }
}
