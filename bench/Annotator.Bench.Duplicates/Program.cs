// Near-duplicate detection measured on the test photos: precision and recall of the perceptual hash at each distance.
//
//   dotnet run -c Release --project bench/Annotator.Bench.Duplicates [-- testdata-folder]
//   dotnet run -c Release --project bench/Annotator.Bench.Duplicates -- --scan 100000   (what the queries cost, SQLite)
//
// Each distinct photo of tests/testdata/images (or the folder given, or ANNOTATOR_TESTDATA) is copied as a person's
// library holds copies: re-encoded as JPEG at quality 50 and 95, resized to half and to a quarter, cropped 5% (from the
// right and bottom, and 2.5% from every side), and its pixels turned 90° with an EXIF orientation that shows them as
// before. The real EXIF-rotated files of the test data (exif-landscape-2…8 beside exif-landscape-1) are copies too.
// Every file is hashed exactly as CreateThumbnail does (VipsThumbnailer's thumbnail set), then every pair is a
// positive (a photo and its copy) or a negative (two distinct photos, or their copies). A pair is called similar when
// its hashes differ in at most d bits; the table gives, for each d, precision (similar pairs that are copies) and
// recall (copies called similar).
using Annotator.Processing;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;

if (args is ["--scan", var count])
{
    await Annotator.Bench.Duplicates.ScanCost.RunAsync(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

var folder = args.FirstOrDefault() ?? (Environment.GetEnvironmentVariable("ANNOTATOR_TESTDATA") is { Length: > 0 } root
    ? Path.Combine(root, "images")
    : Path.Combine(RepositoryRoot(), "tests", "testdata", "images"));

// One file per scene: the test data holds some scenes more than once (one photo in eight EXIF orientations, one in two
// formats), and those files are copies of each other, not distinct photos.
var scenes = new Dictionary<string, string[]>
{
    ["exif-landscape-1.jpg"] = [.. Enumerable.Range(2, 7).Select(n => $"exif-landscape-{n}.jpg")],
    ["exif-portrait-6.jpg"] = ["exif-portrait-8.jpg"],
    ["phone-jolla.jpg"] = ["photo-jolla.png", "photo-jolla.webp"], // the same photo, converted
};
var copiesInData = scenes.Values.SelectMany(v => v).ToHashSet();
var photos = Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>()
    // Animations aside, and HEIC: libvips here cannot decode it to make the copies (the server decodes it with ImageMagick).
    .Where(n => !copiesInData.Contains(n) && !n.StartsWith("anim", StringComparison.Ordinal) && n != "animated.gif" && !n.EndsWith(".heic", StringComparison.Ordinal))
    .Order().ToList();

var thumbnailer = new VipsThumbnailer(Options.Create(new ThumbnailOptions()), new LowPriorityThreads(1), NullLogger<VipsThumbnailer>.Instance);

async Task<long> HashAsync(byte[] bytes)
{
    using var image = Image.NewFromBuffer(bytes);
    var set = await thumbnailer.CreateThumbnailsAsync(new MemoryStream(bytes), (long)image.Width * image.Height, CancellationToken.None);
    return set.PerceptualHash;
}

// Copies, as (kind, bytes): what a library fills with.
static IEnumerable<(string Kind, byte[] Bytes)> Copies(byte[] original)
{
    using var image = Image.NewFromBuffer(original, access: Enums.Access.Random);
    // Keeps the orientation tag; a cut-out's transparency becomes the white a page shows it on (JPEG has none).
    byte[] Jpeg(Image i, int q)
    {
        using var flat = i.HasAlpha() ? i.Flatten(background: [255, 255, 255]) : i.Copy();
        return flat.JpegsaveBuffer(q: q, keep: Enums.ForeignKeep.All);
    }
    yield return ("jpeg q50", Jpeg(image, 50));
    yield return ("jpeg q95", Jpeg(image, 95));
    using (var half = image.Resize(0.5)) yield return ("resized 50%", Jpeg(half, 85));
    using (var quarter = image.Resize(0.25)) yield return ("resized 25%", Jpeg(quarter, 85));
    // Crops are of what a person sees: the upright pixels, so "right and bottom" are the shown ones.
    using var upright = image.Autorot();
    int w = upright.Width, h = upright.Height;
    using (var corner = upright.Crop(0, 0, w * 95 / 100, h * 95 / 100)) yield return ("cropped 5% (right, bottom)", Jpeg(corner, 85));
    using (var centre = upright.Crop(w * 25 / 1000, h * 25 / 1000, w * 95 / 100, h * 95 / 100)) yield return ("cropped 5% (every side)", Jpeg(centre, 85));
    // Orientation 6 shows the stored pixels turned 90° clockwise: store them turned back, and it shows them as before.
    using var turned = upright.Rot270().Mutate(m => m.Set(GValue.GIntType, "orientation", 6));
    yield return ("EXIF-rotated", Jpeg(turned, 85));
}

var hashes = new List<(string Photo, string Kind, long Hash)>();
foreach (var name in photos)
{
    var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, name));
    hashes.Add((name, "original", await HashAsync(bytes)));
    foreach (var (kind, copy) in Copies(bytes)) hashes.Add((name, kind, await HashAsync(copy)));
    foreach (var same in scenes.GetValueOrDefault(name, []))
        hashes.Add((name, $"EXIF-rotated file ({same})", await HashAsync(await File.ReadAllBytesAsync(Path.Combine(folder, same)))));
    Console.Error.WriteLine($"hashed {name}");
}

var pairs = new List<(bool Copy, int Distance, string Kind)>();
for (var i = 0; i < hashes.Count; i++)
    for (var j = i + 1; j < hashes.Count; j++)
    {
        var same = hashes[i].Photo == hashes[j].Photo;
        // Positives are a photo and one of its copies (the original against each); copies of one photo among themselves
        // are not counted twice. Negatives are every pair of distinct photos' files.
        if (same && hashes[i].Kind != "original") continue;
        pairs.Add((same, PerceptualHash.Distance(hashes[i].Hash, hashes[j].Hash), same ? hashes[j].Kind : ""));
    }

var positives = pairs.Count(p => p.Copy);
var negatives = pairs.Count - positives;
Console.WriteLine($"{photos.Count} distinct photos from {folder}, {hashes.Count} files hashed; {positives} copy pairs, {negatives} distinct pairs");
Console.WriteLine();
Console.WriteLine("| distance ≤ | similar pairs | copies found | distinct called similar | precision | recall |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
foreach (var d in new[] { 0, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24 })
{
    var called = pairs.Where(p => p.Distance <= d).ToList();
    var found = called.Count(p => p.Copy);
    var precision = called.Count == 0 ? 1 : (double)found / called.Count;
    var mark = d == PerceptualHash.SimilarDistance ? " **(used)**" : "";
    Console.WriteLine($"| {d}{mark} | {called.Count} | {found} of {positives} | {called.Count - found} of {negatives} | {precision:P1} | {(double)found / positives:P1} |");
}
Console.WriteLine();
Console.WriteLine($"Recall by kind of copy at distance ≤ {PerceptualHash.SimilarDistance} (largest distance seen):");
Console.WriteLine();
Console.WriteLine("| copy | found | largest distance |");
Console.WriteLine("|---|---:|---:|");
foreach (var kind in pairs.Where(p => p.Copy).GroupBy(p => p.Kind.StartsWith("EXIF-rotated file", StringComparison.Ordinal) ? "EXIF-rotated files of the test data" : p.Kind))
    Console.WriteLine($"| {kind.Key} | {kind.Count(p => p.Distance <= PerceptualHash.SimilarDistance)} of {kind.Count()} | {kind.Max(p => p.Distance)} |");
var nearest = pairs.Where(p => !p.Copy).Min(p => p.Distance);
Console.WriteLine();
Console.WriteLine($"Distinct photos: nearest pair {nearest} bits apart; median {Median(pairs.Where(p => !p.Copy).Select(p => p.Distance))} bits.");

static double Median(IEnumerable<int> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2.0;
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Annotator.slnx"))) return dir.FullName;
    throw new DirectoryNotFoundException("Annotator.slnx not found above " + AppContext.BaseDirectory);
}
