using System.Globalization;
using Annotator.Images;
using Annotator.Processing;

namespace Annotator.Captioning.Offline;

/// <summary>
/// The embedded default captioner: no model, no network. It describes what it can measure — shape,
/// light, colour — and what the metadata says — camera, date, place recorded — in one honest
/// sentence. The UI labels its captions "offline description" so nobody takes them for a model's.
/// </summary>
public sealed class OfflineDescriber(LowPriorityThreads cpu) : ICaptioner
{
    public string Provider => "offline";

    public const string ModelName = "describer-1";

    public string Model => ModelName;

    /// <summary>It measures proportions only: a pixel sample is all it needs (a fallback after a model gets the model's JPEG).</summary>
    public CaptionInput Input => CaptionInput.Pixels;

    public async Task<Caption> CaptionAsync(CaptionRequest request, CancellationToken cancellationToken)
    {
        var pixels = request.Sample is { } sample
            ? PixelAnalysis.Of(sample.Rgb)
            : await cpu.RunAsync(() => PixelAnalysis.Of(request.Jpeg), cancellationToken);
        var (text, tags) = Describe(pixels, request.Width, request.Height, request.Facts);
        return new Caption { Text = text, Tags = tags, Provider = Provider, Model = Model };
    }

    public static (string Text, IReadOnlyList<string> Tags) Describe(PixelAnalysis pixels, int width, int height, ImageFacts facts)
    {
        var tags = new List<string>();
        var shape = Shape(width, height);
        tags.Add(shape);

        var light = pixels.MeanLuma switch { < 40 => "very dark", < 85 => "dark", > 190 => "bright", _ => null };
        if (light is not null) tags.Add(light == "very dark" ? "dark" : light);
        var contrast = pixels.LumaDeviation switch { > 75 => "high-contrast", < 20 when light is null => "low-contrast", _ => null };
        if (contrast is not null) tags.Add(contrast);

        var monochrome = pixels.Colourfulness < 8;
        var colours = pixels.Colours.Where(c => c.Share >= 0.12).Take(3).Select(c => c.Colour.Word()).ToList();
        if (colours.Count == 0) colours.Add(pixels.Colours[0].Colour.Word());
        if (monochrome) tags.Add("black and white");
        else tags.AddRange(colours);
        var vivid = pixels.Colourfulness > 70;
        if (vivid) tags.Add("vivid");

        var kind = facts.Camera is not null ? "photo" : "image";
        var adjectives = string.Join(", ", new[] { light, contrast }.Where(a => a is not null));
        var text = $"{Article(adjectives.Length > 0 ? adjectives : shape)} {(adjectives.Length > 0 ? adjectives + " " : "")}{shape}-format {kind}";
        text += monochrome ? " in black and white" : $" in mostly {JoinWords(colours)} tones{(vivid ? ", with vivid colours" : "")}";

        if (facts.Camera is { } camera)
        {
            text += $", taken with {IndefiniteArticle(camera)} {camera}";
            tags.Add(facts.CameraMake?.Split(' ')[0].ToLowerInvariant() ?? camera.Split(' ')[0].ToLowerInvariant());
        }
        if (facts.TakenAt is { } taken)
        {
            text += $"{(facts.Camera is null ? ", taken" : "")} on {taken.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}";
            tags.Add(taken.Year.ToString(CultureInfo.InvariantCulture));
        }
        text += ".";
        if (facts.Latitude is not null && facts.Longitude is not null)
        {
            text += " Its metadata records where it was taken.";
            tags.Add("geotagged");
        }
        return (text, tags.Distinct().Take(10).ToList());
    }

    private static string Shape(int width, int height)
    {
        if (width >= height * 2) return "panoramic";
        if (Math.Abs(width - height) <= Math.Max(width, height) / 20) return "square";
        return width > height ? "landscape" : "portrait";
    }

    private static string Article(string next) => "aeiou".Contains(next[0]) ? "An" : "A";

    /// <summary>
    /// "a" or "an" before a camera's name, by how its first word sounds: "an Apple iPhone 6", "a Nikon D70", "an
    /// Olympus", "a OnePlus" and "a Unihertz" (a w and a y sound), "an HTC One" and "an LG-H815" (an all-capital word
    /// of up to three letters is said letter by letter), "a NIKON D70" (longer ones are words), "an HONOR" (a silent h).
    /// </summary>
    public static string IndefiniteArticle(string name)
    {
        var word = new string(name.TakeWhile(char.IsLetter).ToArray()); // "LG" of "LG-H815"
        if (word.Length == 0) return "a";
        if (word.Length <= 3 && word.All(char.IsAsciiLetterUpper)) return "AEFHILMNORSX".Contains(word[0]) ? "an" : "a";
        var lower = word.ToLowerInvariant();
        if (new[] { "one", "uni", "use", "usa", "eu", "ule" }.Any(lower.StartsWith)) return "a";
        if (lower is "honor" or "honour") return "an";
        return "aeiou".Contains(lower[0]) ? "an" : "a";
    }

    private static string JoinWords(IReadOnlyList<string> words) => words.Count switch
    {
        1 => words[0],
        2 => $"{words[0]} and {words[1]}",
        _ => $"{string.Join(", ", words.Take(words.Count - 1))} and {words[^1]}",
    };
}
