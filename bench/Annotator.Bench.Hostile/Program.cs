// What each hostile upload costs the server: peak memory and CPU per case, whether an ordinary photo waits for
// the worst accepted image, and what many open live streams cost. A benchmark, not a test: it prints figures
// as Markdown tables (bench/RESULTS.md, "Hostile input") and fails only when it cannot measure.
//
//   dotnet bench/Annotator.Bench.Hostile/bin/Release/net10.0/Annotator.Bench.Hostile.dll \
//     --server src/Annotator.Server/bin/Release/net10.0/Annotator.Server.dll \
//     [--parts cases,normal,listeners] [--timeout 180] [--listeners 0,2000] [--rounds 3] [--memory-cap-mb 8192] [--testdata tests/testdata]
//
// bench/hostile.sh builds the current tree and an older commit and runs this against both.
using System.Globalization;
using Annotator.Bench.Hostile;

var dll = Path.GetFullPath(Value("--server") ?? throw new ArgumentException("--server PATH/Annotator.Server.dll is required"));
if (!File.Exists(dll)) throw new FileNotFoundException("Build the server first (dotnet build -c Release src/Annotator.Server)", dll);
var parts = (Value("--parts") ?? "cases,normal,listeners").Split(',');
var timeout = TimeSpan.FromSeconds(Option("--timeout", 180));
var listenerCounts = (Value("--listeners") ?? "0,2000").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
var rounds = Option("--rounds", 3);
var memoryCap = Option("--memory-cap-mb", 8192) * 1048576L;
var images = Path.Combine(Path.GetFullPath(Value("--testdata") ?? Path.Combine("tests", "testdata")), "images");

Console.WriteLine($"server: {dll}");
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {ProcFs.LoadAverage()}; per-case limit {timeout.TotalSeconds:0} s, memory cap {Format.Mb(memoryCap)}");
var normal = Corpus.Photo(images, "nikon-gps.jpg");

if (parts.Contains("cases"))
{
    var cases = Corpus.Build(images);
    Console.WriteLine();
    Console.WriteLine($"### Each case, one at a time (load {ProcFs.LoadAverage()})");
    Console.WriteLine();
    await using var servers = new Supervisor(dll, memoryCap);
    await CasesPart.RunAsync(cases, servers, timeout);
}
if (parts.Contains("normal"))
{
    Console.WriteLine();
    Console.WriteLine($"### A normal photo ({normal.Name}, {Format.Bytes(normal.Bytes.Length)} B) while a costly accepted image is processed (load {ProcFs.LoadAverage()})");
    Console.WriteLine();
    await NormalPhotoPart.RunAsync(normal, [Corpus.WorstAcceptedJpegCase(), Corpus.WorstAcceptedTiffCase()], dll, memoryCap, rounds);
}
if (parts.Contains("listeners"))
{
    var photos = ListenerPhotos.Names.Select(name => Corpus.Photo(images, name)).ToList();
    Console.WriteLine();
    Console.WriteLine($"### {photos.Count} photos at once ({Format.Mb(photos.Sum(p => (long)p.Bytes.Length))}) with open live streams (load {ProcFs.LoadAverage()})");
    Console.WriteLine();
    await ListenersPart.RunAsync(photos, normal, dll, memoryCap, listenerCounts, rounds);
}
Console.WriteLine();
Console.WriteLine($"done, load {ProcFs.LoadAverage()}");

string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int Option(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
