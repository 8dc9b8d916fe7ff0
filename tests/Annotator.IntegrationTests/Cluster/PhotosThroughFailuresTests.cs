using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Annotator.Testing;
using Xunit.Abstractions;

namespace Annotator.IntegrationTests.Cluster;

[Collection(MariaDbClusterCollection.Name)]
public sealed class PhotosThroughFailuresOnMariaDbTests(MariaDbCluster fixture, ITestOutputHelper output) : PhotosThroughFailuresTests(fixture, output);

[Collection(PostgresClusterCollection.Name)]
public sealed class PhotosThroughFailuresOnPostgresTests(PostgresCluster fixture, ITestOutputHelper output) : PhotosThroughFailuresTests(fixture, output);

/// <summary>
/// Issue 10's third HA test: 500 real photos uploaded through nginx, 20 at a time, while a worker is SIGKILLed in the
/// middle of its work and RabbitMQ is stopped and started again. Every upload is accepted, the broker's outage
/// included (the outbox holds the events), and every one ends done with exactly one row, one original and one
/// thumbnail set.
/// </summary>
public abstract class PhotosThroughFailuresTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int Photos = 500;
    private const int Concurrency = 20;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Stalled = TimeSpan.FromMinutes(2);

    // The real JPEGs of 0.3 to 3 MP: each upload is one of them with a comment segment of its own, so no two are the
    // same bytes (a library that recognises duplicates would rightly fold them into one image).
    private static readonly string[] Sources = ["exif-landscape-1.jpg", "exif-landscape-2.jpg", "exif-landscape-3.jpg", "exif-landscape-4.jpg",
        "exif-landscape-5.jpg", "exif-landscape-6.jpg", "exif-landscape-7.jpg", "exif-landscape-8.jpg", "exif-portrait-6.jpg",
        "exif-portrait-8.jpg", "nikon-gps.jpg", "camera-canon.jpg", "trailcam-reconyx.jpg"];

    [ClusterFact]
    public async Task Photos_uploaded_while_a_worker_dies_and_the_broker_restarts_all_end_done_once()
    {
        var cluster = await fixture.GetAsync();
        var prefix = $"ha{Guid.NewGuid():N}"[..14]; // one word: search finds the batch by it
        var sources = Sources.Select(name => File.ReadAllBytes(TestData.Image(name))).ToArray();
        var uploads = new ConcurrentDictionary<int, (int Status, string? Id, string Body)>();
        using var client = cluster.Client(TimeSpan.FromMinutes(2));
        var victim = cluster.Workers[0];
        var log = new List<string>();
        void Say(string line) { lock (log) log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"); }

        async Task UploadAsync(int n)
        {
            using var form = new MultipartFormDataContent();
            var content = new ByteArrayContent(Unique(sources[n % sources.Length], n));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(content, "file", $"{prefix}-{n:000}.jpg");
            try
            {
                using var response = await client.PostAsync("api/images", form);
                var body = await response.Content.ReadAsStringAsync();
                uploads[n] = ((int)response.StatusCode, response.IsSuccessStatusCode ? (string?)JsonNode.Parse(body)!["id"] : null, body);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                uploads[n] = (0, null, $"{e.GetType().Name}: {e.Message}");
            }
        }

        // Three stretches of the batch, each 20 at a time: before the broker goes down (the worker is killed in it,
        // once it holds claims), while it is down, and after it is back.
        var killer = Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow + Patience;
            var held = 0L;
            while (held == 0 && DateTime.UtcNow < deadline)
            {
                held = await HeldByAsync(cluster, victim);
                if (held == 0) await Task.Delay(20);
            }
            victim.Kill();
            Say($"killed worker pid {victim.ProcessId} holding {held} claims, {uploads.Count} uploads answered");
            return held;
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, 150), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (n, _) => await UploadAsync(n));
        var heldWhenKilled = await killer;
        Say("stopping RabbitMQ");
        await cluster.Services.DownAsync("rabbitmq");
        Say("RabbitMQ is down");
        await Parallel.ForEachAsync(Enumerable.Range(150, 150), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (n, _) => await UploadAsync(n));
        var whileDown = Enumerable.Range(150, 150).Count(n => uploads[n].Status == 201);
        var outboxWhileDown = await cluster.ScalarAsync("SELECT COUNT(*) FROM outbox");
        Say($"{whileDown} of 150 uploads accepted while the broker was down; the outbox holds {outboxWhileDown} events");
        await cluster.Services.UpAsync("rabbitmq");
        Say("RabbitMQ is up again");
        await Parallel.ForEachAsync(Enumerable.Range(300, Photos - 300), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (n, _) => await UploadAsync(n));
        Say($"all {Photos} uploads answered");

        try
        {
            var accepted = uploads.Where(u => u.Value.Status == 201).ToDictionary(u => u.Value.Id!, u => u.Key);
            var refused = uploads.Where(u => u.Value.Status != 201).OrderBy(u => u.Key).ToList();
            foreach (var (n, (status, _, body)) in refused.Take(10)) output.WriteLine($"upload {n}: {status} {body}");

            // Wait until none of them is pending or processing: every accepted upload reaches a final state. However
            // slow the machine, as long as images keep finishing; stuck is when none has for a while.
            var states = new Dictionary<string, JsonObject>();
            var (progress, final) = (DateTime.UtcNow, -1);
            while (true)
            {
                states = await ListAsync(client, prefix);
                var now = states.Values.Count(image => (string?)image["state"] is "done" or "failed");
                if (now == accepted.Count && states.Count == accepted.Count) break;
                if (now > final) (progress, final) = (DateTime.UtcNow, now);
                if (DateTime.UtcNow - progress > Stalled)
                {
                    lock (log) foreach (var line in log) output.WriteLine(line);
                    foreach (var group in states.Values.GroupBy(i => $"thumbnail {i["thumbnail"]!["state"]} ({i["thumbnail"]!["attempts"]} attempts), caption {i["caption"]!["state"]} ({i["caption"]!["attempts"]} attempts)"))
                        output.WriteLine($"{group.Count()} images: {group.Key}");
                    // Where the events are: still in the outbox (the relays stopped publishing) or with the broker (the consumers stopped).
                    output.WriteLine($"the outbox holds {await cluster.ScalarAsync("SELECT COUNT(*) FROM outbox")} events");
                    throw new TimeoutException($"{accepted.Count - now} of {accepted.Count} images not final, and none finished in the last {Stalled}");
                }
                await Task.Delay(500);
            }
            Say("every image is final");
            var raw = await cluster.ListKeysAsync("raw/");
            var thumbnails = await cluster.ListKeysAsync("thumbnails/");
            var rows = await cluster.ScalarAsync("SELECT COUNT(*) FROM images WHERE file_name LIKE @prefix", ("prefix", prefix + "-%"));
            var allRows = await cluster.ScalarAsync("SELECT COUNT(*) FROM images");
            var twoAttempts = states.Values.Count(image => (int)image["thumbnail"]!["attempts"]! > 1 || (int)image["caption"]!["attempts"]! > 1);

            lock (log) foreach (var line in log) output.WriteLine(line);
            output.WriteLine($"{Photos} uploads through nginx at c={Concurrency} ({cluster.Catalog}): {accepted.Count} accepted ({whileDown} of them while RabbitMQ was down), {refused.Count} refused");
            output.WriteLine($"the killed worker held {heldWhenKilled} claims; {twoAttempts} images needed a second attempt");
            output.WriteLine($"final: {states.Values.Count(i => (string?)i["state"] == "done")} done, {states.Values.Count(i => (string?)i["state"] == "failed")} failed; " +
                $"{rows} rows for the batch ({allRows} in the catalog), {raw.Count} originals and {thumbnails.Count} thumbnails in the bucket");

            Assert.True(heldWhenKilled > 0, "the worker was killed holding no claim: the test proved nothing");
            Assert.Empty(refused);
            Assert.Equal(150, whileDown);
            Assert.True(outboxWhileDown > 0, "the outbox held no event while the broker was down");
            Assert.Equal(accepted.Count, rows);
            Assert.Equal(accepted.Keys.Order(), states.Keys.Order());
            Assert.All(states, pair => Assert.Equal("done", (string?)pair.Value["state"]));
            // One original per row in the whole catalog (no orphan, no copy), and per image exactly its thumbnail set.
            Assert.Equal(allRows, raw.Count);
            Assert.All(accepted.Keys, id =>
            {
                Assert.Single(raw, key => key.StartsWith($"raw/{id}."));
                Assert.Equal([$"thumbnails/{id}.preview.jpg", $"thumbnails/{id}.webp"], thumbnails.Where(key => key.StartsWith($"thumbnails/{id}.")).Order());
            });
        }
        finally
        {
            await cluster.BringBackWorkerAsync(0); // whole again for the next test
        }
    }

    /// <summary>How many pieces of work <paramref name="worker"/> is on now, by its lease owner (machine/pid/guid).</summary>
    private static Task<long> HeldByAsync(ClusterFixture cluster, AnnotatorProcess worker) => cluster.ScalarAsync(
        "SELECT COUNT(*) FROM images WHERE (thumb_state = 'processing' AND thumb_lease_owner LIKE @owner) OR (caption_state = 'processing' AND caption_lease_owner LIKE @owner)",
        ("owner", $"%/{worker.ProcessId}/%"));

    /// <summary>Every image of the batch (its file names' first word, searched for), by id, through the API.</summary>
    private static async Task<Dictionary<string, JsonObject>> ListAsync(HttpClient client, string prefix)
    {
        var images = new Dictionary<string, JsonObject>();
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await client.GetStringAsync($"api/images?limit=200&q={prefix}" + (cursor is null ? "" : $"&cursor={cursor}")))!;
            foreach (var item in page["items"]!.AsArray()) images[(string)item!["id"]!] = item.AsObject();
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return images;
    }

    /// <summary>The JPEG with a comment segment (COM) naming <paramref name="n"/> after its APPn segments: the same picture, other bytes.</summary>
    private static byte[] Unique(byte[] jpeg, int n)
    {
        var at = 2; // after SOI
        while (jpeg[at] == 0xFF && jpeg[at + 1] is >= 0xE0 and <= 0xEF) at += 2 + (jpeg[at + 2] << 8 | jpeg[at + 3]);
        var text = Encoding.ASCII.GetBytes($"Annotator HA test upload {n}");
        byte[] segment = [0xFF, 0xFE, (byte)((text.Length + 2) >> 8), (byte)(text.Length + 2), .. text];
        return [.. jpeg.AsSpan(0, at), .. segment, .. jpeg.AsSpan(at)];
    }
}
