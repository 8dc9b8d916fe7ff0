using Annotator.Thumbnails;
using NetVips;

namespace Annotator.Captioning.Offline;

/// <summary>
/// Measurements of an image's pixels that words can be built from: brightness, contrast,
/// colourfulness and the share of each named colour. Works on a <see cref="PixelSample"/>-sized copy: plenty for
/// proportions, and cheap.
/// </summary>
public sealed record PixelAnalysis(double MeanLuma, double LumaDeviation, double Colourfulness, IReadOnlyList<(ColourName Colour, double Share)> Colours)
{
    /// <summary>Analyses an encoded image (a model's JPEG, when the describer is a fallback after a model).</summary>
    public static PixelAnalysis Of(ReadOnlyMemory<byte> encoded)
    {
        using var small = Image.ThumbnailBuffer(encoded.ToArray(), PixelSample.MaxEdge, height: PixelSample.MaxEdge);
        using var rgb = small.Bands >= 3 ? small.ExtractBand(0, n: 3) : small.Colourspace(Enums.Interpretation.Srgb);
        var pixels = rgb.WriteToMemory<byte>();
        return Of(pixels);
    }

    /// <summary>Analyses packed 8-bit RGB pixels.</summary>
    public static PixelAnalysis Of(ReadOnlySpan<byte> rgb)
    {
        var count = rgb.Length / 3;
        if (count == 0) throw new ArgumentException("No pixels to analyse.", nameof(rgb));
        double sumY = 0, sumY2 = 0, sumRg = 0, sumRg2 = 0, sumYb = 0, sumYb2 = 0;
        var counts = new int[Enum.GetValues<ColourName>().Length];
        for (var i = 0; i < count * 3; i += 3)
        {
            double r = rgb[i], g = rgb[i + 1], b = rgb[i + 2];
            var y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
            sumY += y; sumY2 += y * y;
            // Hasler & Süsstrunk (2003) opponent colour axes.
            var rg = r - g;
            var yb = 0.5 * (r + g) - b;
            sumRg += rg; sumRg2 += rg * rg; sumYb += yb; sumYb2 += yb * yb;
            counts[(int)ColourNames.Classify(rgb[i], rgb[i + 1], rgb[i + 2])]++;
        }
        var meanY = sumY / count;
        var deviation = Math.Sqrt(Math.Max(0, sumY2 / count - meanY * meanY));
        double meanRg = sumRg / count, meanYb = sumYb / count;
        var sdRg = Math.Sqrt(Math.Max(0, sumRg2 / count - meanRg * meanRg));
        var sdYb = Math.Sqrt(Math.Max(0, sumYb2 / count - meanYb * meanYb));
        var colourfulness = Math.Sqrt(sdRg * sdRg + sdYb * sdYb) + 0.3 * Math.Sqrt(meanRg * meanRg + meanYb * meanYb);
        var colours = counts
            .Select((n, index) => ((ColourName)index, (double)n / count))
            .Where(c => c.Item2 > 0)
            .OrderByDescending(c => c.Item2)
            .ToList();
        return new PixelAnalysis(meanY, deviation, colourfulness, colours);
    }
}
