// The review queue's speed in a real browser: from a keystroke to the next image on the screen.
//
//   dotnet run -c Release --project bench/Annotator.Bench.Review -- [--images 60] [--keys 50]
//
// Starts the server (offline captions) on a throw-away data folder, uploads the images and waits until each has its
// preview and caption, then opens /review in headless Chromium (Debian's, as the browser tests use) signed in as the
// admin and presses A (accept: the review is sent in the background) and S (skip) in turn. The page marks each key
// and measures to the first animation frame after the next image is in place (performance.measure "review-next"):
// the time a person waits. Each step also checks that the shown preview was already decoded (the read-ahead worked).
// The round trip as Playwright sees it (key sent over DevTools, the new file name seen) is printed beside it.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Annotator.Testing;
using Microsoft.Playwright;

var images = Option("--images", 60);
var keys = Math.Min(Option("--keys", 50), images - 1);
var chromium = Environment.GetEnvironmentVariable("ANNOTATOR_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
var photos = new[] { "nikon-gps.jpg", "exif-landscape-1.jpg", "camera-canon.jpg", "exif-portrait-6.jpg", "photo-jolla.png" };

await using var server = await AnnotatorProcess.StartAsync();
using (var gate = new SemaphoreSlim(4))
    await Task.WhenAll(Enumerable.Range(0, images).Select(async i =>
    {
        await gate.WaitAsync();
        try
        {
            await UploadAsync(server.Client, TestData.Image(photos[i % photos.Length]), $"bench-{i:000}.jpg");
        }
        finally { gate.Release(); }
    }));

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = chromium, Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
});
await using var context = await browser.NewContextAsync(new() { BaseURL = server.BaseAddress.ToString().TrimEnd('/'), ViewportSize = new() { Width = 1280, Height = 900 } });
var login = await context.APIRequest.PostAsync("/api/auth/login", new() { DataObject = new { userName = AnnotatorProcess.AdminUser, password = AnnotatorProcess.AdminPassword } });
if (!login.Ok) throw new InvalidOperationException($"sign-in gave {login.Status}");
var page = await context.NewPageAsync();
await page.GotoAsync("/review");
await page.WaitForFunctionAsync("() => document.querySelector('#review-figure img')?.complete");
await Task.Delay(500); // the read-ahead of the first images settles

var roundTrips = new List<double>();
var undecoded = 0;
for (var i = 0; i < keys; i++)
{
    var before = await page.TextContentAsync("#review-link");
    var clock = Stopwatch.StartNew();
    await page.Keyboard.PressAsync(i % 2 == 0 ? "a" : "s");
    await page.WaitForFunctionAsync("name => document.querySelector('#review-link').textContent !== name", before);
    roundTrips.Add(clock.Elapsed.TotalMilliseconds);
    if (!await page.EvaluateAsync<bool>("() => document.querySelector('#review-figure img')?.complete === true")) undecoded++;
    await Task.Delay(150); // a fast reviewer's pace: the read-ahead gets what a person would give it
}
await page.WaitForFunctionAsync($"n => performance.getEntriesByName('review-next').length >= n", keys);
var onPage = await page.EvaluateAsync<double[]>("() => performance.getEntriesByName('review-next').map(e => e.duration)");

Console.WriteLine($"Review queue, {keys} keys (A and S in turn) over {images} images; {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine($"key → next image painted (in the page): {Summary(onPage)}");
Console.WriteLine($"key → new file name seen (Playwright round trip, DevTools included): {Summary([.. roundTrips])}");
Console.WriteLine($"previews not yet decoded when shown: {undecoded} of {keys}");

static string Summary(double[] values)
{
    var sorted = values.Order().ToArray();
    double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    return string.Create(CultureInfo.InvariantCulture, $"median {At(0.5):0.0} ms, p95 {At(0.95):0.0} ms, max {sorted[^1]:0.0} ms");
}

static async Task UploadAsync(HttpClient client, string file, string name)
{
    using var form = new MultipartFormDataContent();
    var bytes = new ByteArrayContent(await File.ReadAllBytesAsync(file));
    bytes.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    form.Add(bytes, "file", name);
    using var created = await client.PostAsync("api/images", form);
    created.EnsureSuccessStatusCode();
    var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
    var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
    while ((string?)JsonNode.Parse(await client.GetStringAsync($"api/images/{id}"))!["state"] is not ("done" or "failed"))
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException($"{name} was not done in 5 minutes");
        await Task.Delay(200);
    }
}

int Option(string name, int fallback) => Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? Value(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
