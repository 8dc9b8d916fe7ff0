using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>What the export tests do through the API: images to export, an export followed until done and saved.</summary>
internal static class ExportApi
{
    public const string Edited = "Un port au crépuscule, with \"quotes\".";

    /// <summary>A JPEG accepted, a PNG edited and a JPEG unreviewed, all named with <paramref name="word"/>: id → its original, in that order.</summary>
    public static async Task<Dictionary<string, string>> ImagesAsync(HttpClient client, string word)
    {
        var originals = new Dictionary<string, string>();
        foreach (var file in new[] { "nikon-gps.jpg", "photo-jolla.png", "camera-canon.jpg" })
        {
            var original = TestData.Distinct(file);
            var id = (await client.UploadImageAsync(original, $"{word}-{file}")).Id();
            await client.WaitUntilFinishedAsync(id);
            originals[id] = original;
        }
        var ids = originals.Keys.ToList();
        (await client.PutAsJsonAsync($"api/images/{ids[0]}/annotation", new { status = "accepted" })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync($"api/images/{ids[1]}/annotation", new { status = "edited", text = Edited, tags = new[] { "harbour" } })).EnsureSuccessStatusCode();
        return originals;
    }

    /// <summary>Starts an export, waits until it is done, and saves its ZIP into <paramref name="folder"/>; returns the job and the file.</summary>
    public static async Task<(JsonNode Job, string Zip)> ExportAsync(HttpClient client, object body, string folder)
    {
        using var started = await client.PostAsJsonAsync("api/exports", body);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.OriginalString;
        JsonNode job;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        do
        {
            await Task.Delay(100);
            using var response = await client.GetAsync(location);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {location}: {(int)response.StatusCode} {text}");
            job = JsonNode.Parse(text)!;
        } while ((string?)job["state"] == "running" && DateTime.UtcNow < deadline);
        Assert.True((string?)job["state"] == "done", job.ToJsonString());
        var zip = Path.Combine(folder, (string)job["id"]! + ".zip");
        await File.WriteAllBytesAsync(zip, await client.GetByteArrayAsync((string)job["downloadUrl"]!));
        return (job, zip);
    }

    public static byte[] Bytes(string zip, string entry)
    {
        using var archive = ZipFile.OpenRead(zip);
        using var copy = new MemoryStream();
        using (var stream = archive.GetEntry(entry)!.Open()) stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static string Word() => "fmt" + Guid.NewGuid().ToString("N")[..8];
}
