using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>
/// Dataset exports through the API, read back as their users read them: the ImageFolder layout Hugging Face documents
/// (each split folder's metadata.jsonl naming exactly its images), JSON lines, and the CSV through Python's csv module.
/// </summary>
public sealed class ExportTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Edited = "A person's words, with a comma, and \"quotes\".";

    private HttpClient Client => fixture.Server.Client;

    /// <summary>Four captioned images: accepted, edited, rejected and unreviewed, in that order.</summary>
    /// <summary>The files <see cref="ReviewedAsync"/> uploaded, in its order (each a new copy: one image per content).</summary>
    private readonly List<string> _photos = [];

    private async Task<string[]> ReviewedAsync()
    {
        var ids = new List<string>();
        foreach (var name in new[] { "accepted.jpg", "edited.jpg", "rejected.jpg", "unreviewed.jpg" })
        {
            var photo = TestData.Distinct("nikon-gps.jpg");
            _photos.Add(photo);
            var id = (await Client.UploadImageAsync(photo, name)).Id();
            await Client.WaitUntilFinishedAsync(id);
            ids.Add(id);
        }
        (await Client.PutAsJsonAsync($"api/images/{ids[0]}/annotation", new { status = "accepted" })).EnsureSuccessStatusCode();
        (await Client.PutAsJsonAsync($"api/images/{ids[1]}/annotation", new { status = "edited", text = Edited, tags = new[] { "coast" } })).EnsureSuccessStatusCode();
        (await Client.PutAsJsonAsync($"api/images/{ids[2]}/annotation", new { status = "rejected" })).EnsureSuccessStatusCode();
        return [.. ids];
    }

    private async Task<ZipArchive> ExportAsync(object body)
    {
        var folder = Directory.CreateTempSubdirectory("annotator-export-");
        try
        {
            var (job, zip) = await ExportApi.ExportAsync(Client, body, folder.FullName);
            Assert.Equal(1.0, (double)job["progress"]!);
            Assert.Equal(new FileInfo(zip).Length, (long)job["sizeBytes"]!);
            return new ZipArchive(new MemoryStream(await File.ReadAllBytesAsync(zip)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Text(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var copy = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Each_format_holds_the_kept_captions_and_their_images_in_its_documented_layout()
    {
        var ids = await ReviewedAsync();
        var original = await File.ReadAllBytesAsync(_photos[0]);

        // ImageFolder, split by id hash: every split folder's metadata.jsonl names exactly the images in it.
        using (var folder = await ExportAsync(new { format = "imagefolder", split = new { train = 0.5, validation = 0.5 } }))
        {
            var seen = new Dictionary<string, JsonNode>();
            foreach (var metadata in folder.Entries.Where(e => e.Name == "metadata.jsonl"))
            {
                var split = metadata.FullName[..^"/metadata.jsonl".Length];
                Assert.Contains(split, new[] { "train", "validation" });
                var lines = Text(metadata).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
                var files = folder.Entries.Where(e => e.FullName.StartsWith(split + "/") && e.Name != "metadata.jsonl").Select(e => e.Name).Order();
                Assert.Equal(files, lines.Select(l => (string)l["file_name"]!).Order());
                foreach (var line in lines) seen[(string)line["file_name"]!] = line;
            }
            Assert.Equal(new[] { ids[0] + ".jpg", ids[1] + ".jpg" }.Order(), seen.Keys.Order()); // accepted and edited only
            Assert.Equal(Edited, (string?)seen[ids[1] + ".jpg"]["text"]);
            Assert.Equal(["coast"], seen[ids[1] + ".jpg"]["tags"]!.AsArray().Select(t => (string)t!));
            Assert.Equal("accepted.jpg", (string?)seen[ids[0] + ".jpg"]["original_file_name"]);
            Assert.Equal(original, Bytes(folder.Entries.Single(e => e.Name == ids[0] + ".jpg")));
        }

        // JSON lines, unreviewed included, resized copies, no metadata.
        using (var lines = await ExportAsync(new { format = "jsonl", review = "accepted,edited,unreviewed", maxEdge = 100, metadata = false }))
        {
            var rows = Text(lines.GetEntry("data.jsonl")!).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.Equal(new[] { ids[0], ids[1], ids[3] }.Order(), rows.Select(r => (string)r["id"]!).Order());
            foreach (var row in rows)
            {
                Assert.Null(row["original_file_name"]);
                var image = Bytes(lines.GetEntry((string)row["file_name"]!)!);
                Assert.Equal([0xFF, 0xD8], image[..2]);
                Assert.True(image.Length < original.Length / 4, $"{row["file_name"]}: {image.Length} bytes, not a 100 px copy");
            }
            var unreviewed = rows.Single(r => (string)r["id"]! == ids[3]);
            Assert.Equal($"images/{ids[3]}.jpg", (string?)unreviewed["file_name"]);
            Assert.Null(unreviewed["review"]); // the prediction's text, and no review to name
        }

        // CSV, read back by Python's csv module: quotes and commas in a caption survive.
        using (var table = await ExportAsync(new { format = "csv" }))
        {
            var rows = await PythonCsvAsync(Text(table.GetEntry("data.csv")!));
            Assert.Equal(new[] { ids[0], ids[1] }.Order(), rows.Select(r => (string)r!["id"]!).Order());
            var edited = rows.Single(r => (string)r!["id"]! == ids[1])!;
            Assert.Equal((Edited, "coast", "edited", $"images/{ids[1]}.jpg"),
                ((string?)edited["text"], (string?)edited["tags"], (string?)edited["review"], (string?)edited["file_name"]));
            Assert.Equal("edited.jpg", (string?)edited["original_file_name"]);
            Assert.NotNull(table.GetEntry($"images/{ids[1]}.jpg"));
        }
    }

    private static async Task<JsonArray> PythonCsvAsync(string csv)
    {
        var start = new ProcessStartInfo("python3", ["-c", "import csv, json, sys; print(json.dumps(list(csv.DictReader(sys.stdin))))"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        await python.StandardInput.WriteAsync(csv);
        python.StandardInput.Close();
        var output = await python.StandardOutput.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, await python.StandardError.ReadToEndAsync());
        return JsonNode.Parse(output)!.AsArray();
    }

    [Theory]
    [InlineData("""{}""", "format is required")]
    [InlineData("""{"format":"parquet"}""", "'parquet' is not one of imagefolder, jsonl, csv, coco, llava, webdataset")]
    [InlineData("""{"format":"jsonl","split":{"train":0.8,"test":0.1}}""", "add up to 0.9, not 1")]
    [InlineData("""{"format":"jsonl","maxEdge":10}""", "maxEdge must be between 64 and 8192")]
    [InlineData("""{"format":"jsonl","review":"accepted,maybe"}""", "review 'maybe' is not one of")]
    [InlineData("""{"format":"webdataset","shardSamples":0}""", "shardSamples must be between 1 and 100000")]
    public async Task A_bad_export_request_is_a_400_with_one_line(string body, string expected)
    {
        using var response = await Client.PostAsync("api/exports", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (string?)(await response.ProblemAsync())["detail"]);
    }

    [Fact]
    public async Task An_unknown_export_is_a_404_and_no_path_reaches_the_store()
    {
        foreach (var id in new[] { "0123456789abcdef0123456789abcdef", "..%2F..%2Fraw" })
        {
            using var response = await Client.GetAsync($"api/exports/{id}/download");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
