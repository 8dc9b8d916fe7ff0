// Captioning throughput against a fake Gemini that answers every request after a fixed delay.
//
//   dotnet run -c Release --project bench/Annotator.Bench.Captions -- [--images 200] [--delay-ms 800] [--concurrency 4,16,32]
//
// For each concurrency: start the fake Gemini and the real server (provider gemini, that concurrency), upload the
// images and let them be captioned, then re-caption all of them at once (POST /api/recaptions) so they are all
// queued together, and time the job on the server's own clock: from the job's creation to the last caption's
// finish. The provider is the bottleneck when images/s approaches concurrency ÷ delay.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Annotator.Testing;
using Annotator.Testing.Fakes;

var images = Option("--images", 200);
var delay = TimeSpan.FromMilliseconds(Option("--delay-ms", 800));
var concurrencies = (Value("--concurrency") ?? "4,16,32").Split(',').Select(int.Parse).ToArray();
var photo = TestData.Image("nikon-gps.jpg");

Console.WriteLine($"Captioning {images} queued images; fake Gemini answers after {delay.TotalMilliseconds:0} ms; {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine("| concurrency | bound (concurrency ÷ delay) | measured | of bound | most calls in flight at Gemini | wall time |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
foreach (var concurrency in concurrencies)
{
    var (rate, inFlight, seconds) = await RunAsync(concurrency);
    var bound = concurrency / delay.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {concurrency} | {bound:0.0} images/s | {rate:0.0} images/s | {rate / bound:P0} | {inFlight} | {seconds:0.0} s |"));
}

async Task<(double Rate, int InFlight, double Seconds)> RunAsync(int concurrency)
{
    await using var gemini = await FakeGeminiServer.StartNewAsync();
    gemini.ExpectedKey = "bench-key";
    gemini.Delay = delay;
    await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string>
    {
        ["Annotator:Captions:Provider"] = "gemini",
        ["Annotator:Captions:Gemini:BaseUrl"] = gemini.BaseUrl.ToString(),
        ["Annotator:Captions:Gemini:Model"] = "gemini-bench",
        ["Annotator:Captions:Gemini:Concurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
        ["GEMINI_API_KEY"] = "bench-key",
    });
    var client = server.Client;

    // Upload everything and let the first captions finish: thumbnails are then done and out of the way.
    using (var gate = new SemaphoreSlim(4))
        await Task.WhenAll(Enumerable.Range(0, images).Select(async i =>
        {
            await gate.WaitAsync();
            try { await UploadAsync(client, photo, $"bench-{i:000}.jpg"); }
            finally { gate.Release(); }
        }));
    await WaitAsync(async () => (await ListAsync(client)).All(i => (string?)i["state"] is "done"), TimeSpan.FromMinutes(10));

    // All of them queued at once.
    var wall = Stopwatch.StartNew();
    using var started = await client.PostAsJsonAsync("api/recaptions", new { });
    started.EnsureSuccessStatusCode();
    var job = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
    if ((int)job["total"]! != images) throw new InvalidOperationException($"the job queued {job["total"]} images, not {images}");
    await WaitAsync(async () => (bool)(await client.GetFromJsonAsync<JsonObject>($"api/recaptions/{job["id"]}"))!["finished"]!, TimeSpan.FromMinutes(10));
    wall.Stop();

    var all = await ListAsync(client);
    var failed = all.Count(i => (string?)i["caption"]!["state"] != "done");
    if (failed > 0) throw new InvalidOperationException($"{failed} captions did not finish done");
    var from = DateTimeOffset.Parse((string)job["createdAt"]!, CultureInfo.InvariantCulture);
    var to = all.Max(i => DateTimeOffset.Parse((string)i["caption"]!["finishedAt"]!, CultureInfo.InvariantCulture));
    if (Environment.GetEnvironmentVariable("BENCH_DETAIL") is not null)
    {
        var work = all.Select(i => (DateTimeOffset.Parse((string)i["caption"]!["finishedAt"]!, CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse((string)i["caption"]!["startedAt"]!, CultureInfo.InvariantCulture)).TotalMilliseconds).ToList();
        var latency = all.Select(i => (double)(long)i["caption"]!["latencyMs"]!).ToList();
        Console.Error.WriteLine($"  work {work.Average():0} ms avg ({work.Min():0}-{work.Max():0}), provider call {latency.Average():0} ms avg ({latency.Min():0}-{latency.Max():0})");
    }
    return (images / (to - from).TotalSeconds, gemini.MaxInFlight, wall.Elapsed.TotalSeconds);
}

static async Task UploadAsync(HttpClient client, string path, string name)
{
    using var form = new MultipartFormDataContent();
    var content = new StreamContent(File.OpenRead(path));
    content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
    form.Add(content, "file", name);
    using var response = await client.PostAsync("api/images", form);
    response.EnsureSuccessStatusCode();
}

static async Task<List<JsonObject>> ListAsync(HttpClient client)
{
    var all = new List<JsonObject>();
    string? cursor = null;
    do
    {
        var page = (await client.GetFromJsonAsync<JsonObject>($"api/images?limit=200{(cursor is null ? "" : "&cursor=" + cursor)}"))!;
        all.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
        cursor = (string?)page["nextCursor"];
    } while (cursor is not null);
    return all;
}

static async Task WaitAsync(Func<Task<bool>> done, TimeSpan timeout)
{
    var deadline = DateTime.UtcNow + timeout;
    while (!await done())
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException("the benchmark did not finish in time");
        await Task.Delay(100);
    }
}

int Option(string name, int fallback) => Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? Value(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
