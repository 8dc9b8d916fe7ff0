using System.Text.Json.Nodes;
using Annotator.Testing;
using Xunit.Abstractions;

namespace Annotator.IntegrationTests;

/// <summary>Nothing accepted is lost: a server killed mid-work finishes everything after a restart, once.</summary>
public sealed class DurabilityTests(ITestOutputHelper output)
{
    /// <summary>Every format once, then new copies of the JPEGs: the server keeps one image per content.</summary>
    private static string Photo(int i)
    {
        if (i < Photos.Length) return TestData.Image(Photos[i]);
        var jpegs = Photos.Where(p => p.EndsWith(".jpg", StringComparison.Ordinal)).ToArray();
        return TestData.Distinct(jpegs[i % jpegs.Length]);
    }

    private static readonly string[] Photos =
    [
        "nikon-gps.jpg", "phone-jolla.jpg", "camera-canon.jpg", "trailcam-reconyx.jpg", "exif-landscape-1.jpg",
        "exif-landscape-6.jpg", "exif-portrait-8.jpg", "photo-jolla.webp", "photo-jolla.png", "cutout-alpha.png",
        "animated.gif", "scan-lzw.tiff", "iphone-exif.avif", "phone-iphone.jpg",
    ];

    [Fact]
    public async Task Killed_while_working_then_restarted_every_image_ends_done_exactly_once()
    {
        await using var first = await AnnotatorProcess.StartAsync();
        var ids = new List<string>();
        using (var gate = new SemaphoreSlim(8))
        {
            var uploads = Enumerable.Range(0, 100).Select(async i =>
            {
                await gate.WaitAsync();
                try { return (await first.Client.UploadImageAsync(Photo(i), $"photo-{i:000}")).Id(); }
                finally { gate.Release(); }
            });
            ids.AddRange(await Task.WhenAll(uploads));
        }

        var before = await ListAllAsync(first.Client);
        var doneBeforeKill = before.Count(i => (string?)i["state"] == "done");
        output.WriteLine($"killing with {doneBeforeKill} of 100 done");
        first.Kill();
        Assert.True(doneBeforeKill < 100, "all work finished before the kill; the test proved nothing");

        await using var second = await first.StartAgainAsync();
        foreach (var id in ids) Assert.Equal("done", (string?)(await second.Client.WaitUntilFinishedAsync(id, TimeSpan.FromMinutes(3)))["state"]);

        var images = await ListAllAsync(second.Client);
        Assert.Equal(100, images.Count);
        Assert.Equal(ids.Order(), images.Select(i => (string)i["id"]!).Order());
        var objects = Path.Combine(second.DataDirectory, "objects");
        var raw = Directory.GetFiles(Path.Combine(objects, "raw")).Select(Path.GetFileNameWithoutExtension).Order().ToList();
        Assert.Equal(ids.Order(), raw);
        var thumbnails = Directory.GetFiles(Path.Combine(objects, "thumbnails")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(ids.SelectMany(id => new[] { $"{id}.preview.jpg", $"{id}.webp" }).Order(), thumbnails);
    }

    private static async Task<List<JsonObject>> ListAllAsync(HttpClient client)
    {
        var all = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await client.GetStringAsync($"api/images?limit=50{(cursor is null ? "" : "&cursor=" + cursor)}"))!;
            all.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);
        return all;
    }
}
