using System.Net;
using System.Text.Json.Nodes;
using Annotator.Exports;
using Annotator.Images;
using Annotator.Storage.FileSystem;
using Annotator.Testing;
using Microsoft.Extensions.Options;

namespace Annotator.IntegrationTests;

/// <summary>
/// The COCO captions, LLaVA and WebDataset exports read back by <see cref="DatasetReader"/> as their readers read
/// them, and an export deleted by hand (not while it runs). Each test exports only its own images (a word in their
/// names, as the search).
/// </summary>
public sealed class ExportFormatTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("annotator-export-").FullName;

    private HttpClient Client => fixture.Server.Client;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private Task<Dictionary<string, string>> ImagesAsync(string word) => ExportApi.ImagesAsync(Client, word);

    private Task<(JsonNode Job, string Zip)> ExportAsync(object body) => ExportApi.ExportAsync(Client, body, _work);

    [Fact]
    public async Task COCO_captions_number_the_images_across_splits_and_state_the_size_of_each_file_as_written()
    {
        var word = ExportApi.Word();
        var originals = await ImagesAsync(word);

        var (_, zip) = await ExportAsync(new
        {
            format = "coco", q = word, review = "accepted,edited,unreviewed", split = new { train = 0.5, validation = 0.5 }, maxEdge = 100,
        });

        var rows = await DatasetReader.ReadAsync(zip, "coco");
        Assert.Equal(originals.Keys.Order(), rows.Select(r => (string)r["id"]!).Order());
        Assert.Equal([1, 2, 3], rows.Select(r => (int)r["cocoId"]!).Order()); // unique across the two captions files
        Assert.All(rows, r => Assert.Equal((int)r["cocoId"]!, (int)r["annotationId"]!));
        foreach (var row in rows)
        {
            // The copy's own pixel size, not the original's: read from the JPEG in the archive.
            var header = ImageInspector.Inspect(new MemoryStream(ExportApi.Bytes(zip, (string)row["file"]!)), long.MaxValue);
            Assert.Equal((ImageFormat.Jpeg, header.Width, header.Height), (header.Format, (int)row["width"]!, (int)row["height"]!));
            Assert.Equal(100, Math.Max(header.Width, header.Height));
        }
        Assert.Equal(ExportApi.Edited, (string?)rows.Single(r => (string)r["id"]! == originals.Keys.ElementAt(1))["text"]);
    }

    [Fact]
    public async Task LLaVA_conversations_ask_for_a_description_and_answer_with_the_kept_caption_beside_the_originals()
    {
        var word = ExportApi.Word();
        var originals = await ImagesAsync(word);

        var (_, zip) = await ExportAsync(new { format = "llava", q = word, review = "accepted,edited,unreviewed" });

        var rows = await DatasetReader.ReadAsync(zip, "llava");
        Assert.Equal(originals.Keys.Order(), rows.Select(r => (string)r["id"]!).Order());
        var edited = rows.Single(r => (string)r["id"]! == originals.Keys.ElementAt(1));
        Assert.Equal(("train", $"train/{originals.Keys.ElementAt(1)}.png", ExportApi.Edited), ((string?)edited["split"], (string?)edited["file"], (string?)edited["text"]));
        Assert.Equal(await File.ReadAllBytesAsync(originals.Values.ElementAt(1)), ExportApi.Bytes(zip, (string)edited["file"]!));
    }

    [Fact]
    public async Task WebDataset_shards_hold_at_most_the_asked_samples_each_with_its_files_adjacent()
    {
        var word = ExportApi.Word();
        var originals = await ImagesAsync(word);

        var (job, zip) = await ExportAsync(new { format = "webdataset", q = word, review = "accepted,edited,unreviewed", shardSamples = 2 });

        var rows = await DatasetReader.ReadAsync(zip, "webdataset");
        Assert.Equal(3, (long)job["done"]!);
        Assert.Equal(originals.Keys.Order(), rows.Select(r => (string)r["id"]!).Order());
        Assert.Equal([(0, 2), (1, 1)], rows.GroupBy(r => (int)r["shard"]!).Select(g => (g.Key, g.Count())).Order());
        Assert.All(rows, r => Assert.Equal(("train", 3, (string?)r["id"]), ((string?)r["split"], (int)r["files"]!, (string?)r["metaId"])));
        foreach (var row in rows)
        {
            var original = originals[(string)row["id"]!];
            Assert.Equal(new FileInfo(original).Length, (long)row["bytes"]!); // the original, byte for byte
            Assert.Equal(original.EndsWith(".png") ? "8950" : "ffd8", (string?)row["start"]);
            // An original keeps its EXIF orientation: its size is stated as it is shown, as the gallery states it.
            var image = (await Client.GetImageAsync((string)row["id"]!))!;
            Assert.Equal(((int)image["width"]!, (int)image["height"]!), ((int)row["width"]!, (int)row["height"]!));
        }
        Assert.Equal(ExportApi.Edited, (string?)rows.Single(r => (string)r["id"]! == originals.Keys.ElementAt(1))["text"]);
    }

    [Fact]
    public async Task An_export_deleted_by_hand_is_gone_with_its_archive_and_a_second_delete_is_a_404()
    {
        var (job, _) = await ExportAsync(new { format = "jsonl", q = ExportApi.Word() });
        var id = (string)job["id"]!;
        var exports = Path.Combine(fixture.Server.DataDirectory, "objects", "exports");
        Assert.Contains(Directory.EnumerateFiles(exports), f => Path.GetFileName(f) == id + ".zip");

        using var deleted = await Client.DeleteAsync($"api/exports/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"api/exports/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"api/exports/{id}/download")).StatusCode);
        Assert.DoesNotContain(Directory.EnumerateFiles(exports, "*", SearchOption.AllDirectories), f => f.Contains(id));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync($"api/exports/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_running_export_is_not_deleted_by_hand()
    {
        // A job as the node making it writes it, in this server's store: running, its heartbeat fresh.
        var id = ExportJobs.NewId();
        var store = new FileSystemObjectStore(Options.Create(new FileSystemStorageOptions { Root = Path.Combine(fixture.Server.DataDirectory, "objects") }));
        var now = DateTimeOffset.UtcNow;
        await new ExportJobs(store).SaveAsync(new ExportJob(id, "jsonl", null, "accepted,edited", null, true, ["train"], null, null, now,
            ExportState.Running, 10, 3, 0, null, null, now, null), CancellationToken.None);

        using var refused = await Client.DeleteAsync($"api/exports/{id}");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("is still running (3 of 10 images written)", (string?)(await refused.ProblemAsync())["detail"]);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"api/exports/{id}")).StatusCode);
    }
}
