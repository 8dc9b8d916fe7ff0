using System.Numerics;

namespace Annotator.Thumbnails;

/// <summary>
/// A 64-bit DCT perceptual hash (pHash) of an image: the signs, against their median, of the 8×8 lowest frequencies
/// of a 32×32 grey copy. Re-encoding, resizing and light cropping move few of those bits; a different photo flips
/// about half. Two images are similar when their hashes differ in at most <see cref="SimilarDistance"/> bits.
/// </summary>
public static class PerceptualHash
{
    public const int Side = 32;

    /// <summary>
    /// The most bits two hashes of one photo may differ in: chosen from the benchmark on the test photos (bench/RESULTS.md,
    /// "Near-duplicates"), where copies re-encoded, resized, 5% cropped or EXIF-rotated stay within it and distinct photos do not.
    /// </summary>
    public const int SimilarDistance = 10;

    private const int Low = 8;

    /// <summary>Cosines of the DCT-II basis: <c>[u, x] = cos((2x + 1)uπ / 64)</c>, for the low frequencies only.</summary>
    private static readonly double[,] Basis = MakeBasis();

    /// <summary>The hash of <paramref name="grey"/>: <see cref="Side"/>×<see cref="Side"/> 8-bit grey pixels, row by row.</summary>
    public static long Of(ReadOnlySpan<byte> grey)
    {
        if (grey.Length != Side * Side) throw new ArgumentException($"a perceptual hash takes {Side}×{Side} grey pixels, not {grey.Length}", nameof(grey));
        // Rows first (32 rows × 8 frequencies), then columns: only the 8×8 corner is ever needed.
        Span<double> rows = stackalloc double[Side * Low];
        for (var y = 0; y < Side; y++)
            for (var u = 0; u < Low; u++)
            {
                double sum = 0;
                for (var x = 0; x < Side; x++) sum += grey[y * Side + x] * Basis[u, x];
                rows[y * Low + u] = sum;
            }
        Span<double> low = stackalloc double[Low * Low];
        for (var v = 0; v < Low; v++)
            for (var u = 0; u < Low; u++)
            {
                double sum = 0;
                for (var y = 0; y < Side; y++) sum += rows[y * Low + u] * Basis[v, y];
                low[v * Low + u] = sum;
            }
        // The DC term is the mean brightness, not structure: it takes no part in the median.
        Span<double> sorted = stackalloc double[Low * Low - 1];
        low[1..].CopyTo(sorted);
        sorted.Sort();
        var median = (sorted[31] + sorted[32]) / 2;
        ulong bits = 0;
        for (var i = 0; i < Low * Low; i++)
            if (low[i] > median) bits |= 1UL << i;
        return (long)bits;
    }

    /// <summary>How many bits two hashes differ in (Hamming distance), 0 to 64.</summary>
    public static int Distance(long a, long b) => BitOperations.PopCount((ulong)(a ^ b));

    private static double[,] MakeBasis()
    {
        var basis = new double[Low, Side];
        for (var u = 0; u < Low; u++)
            for (var x = 0; x < Side; x++)
                basis[u, x] = Math.Cos((2 * x + 1) * u * Math.PI / (2 * Side));
        return basis;
    }
}
