using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>The REST contract as clients see it: headers, caching, ranges, states, deletion, search, live events.</summary>
public sealed class ApiContractTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private async Task<JsonObject> UploadDoneAsync(string file, string? name = null)
    {
        // A new copy of a JPEG each time (one server for the class keeps one image per content); others as they are.
        var created = await Client.UploadImageAsync(file.EndsWith(".jpg", StringComparison.Ordinal) ? TestData.Distinct(file) : TestData.Image(file), name);
        return await Client.WaitUntilFinishedAsync(created.Id());
    }

    [Fact]
    public async Task Upload_answers_201_with_a_location_that_serves_the_image()
    {
        using var response = await Client.UploadAsync(TestData.Distinct("camera-canon.jpg"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var image = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal($"/api/images/{image.Id()}", response.Headers.Location?.OriginalString);
        var fetched = await Client.GetImageAsync(image.Id());
        Assert.Equal((string?)image["fileName"], (string?)fetched!["fileName"]);
        // The answer is the image as the catalog stamped it: a feed version no later copy has below it.
        Assert.True((long)image["version"]! > 0);
        Assert.True((long)fetched["version"]! >= (long)image["version"]!);
        Assert.True(DateTimeOffset.Parse((string)image["updatedAt"]!) >= DateTimeOffset.Parse((string)image["createdAt"]!));
        await Client.DeleteAsync($"api/images/{image.Id()}");
    }

    [Fact]
    public async Task The_original_is_served_with_its_sniffed_type_a_strong_ETag_and_ranges()
    {
        // A PNG uploaded under a .jpg name and a JPEG Content-Type is still a PNG.
        var image = await UploadDoneAsync("photo-jolla.png", "holiday.jpg");
        var url = (string)image["originalUrl"]!;
        var bytes = await File.ReadAllBytesAsync(TestData.Image("photo-jolla.png"));

        using var whole = await Client.GetAsync(url);
        Assert.Equal("image/png", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", whole.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync());
        var etag = whole.Headers.ETag!;
        Assert.False(etag.IsWeak);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { IfNoneMatch = { etag } } };
        Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(conditional)).StatusCode);

        using var ranged = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Range = new RangeHeaderValue(100, 199) } };
        using var part = await Client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes[100..200], await part.Content.ReadAsByteArrayAsync());

        using var download = await Client.GetAsync(url + "?download=true");
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("holiday.png", download.Content.Headers.ContentDisposition?.FileNameStar);
        await Client.DeleteAsync($"api/images/{image.Id()}");
    }

    [Fact]
    public async Task The_thumbnail_is_WebP_the_preview_JPEG_both_cached_for_a_year_and_revalidate_by_ETag()
    {
        var image = await UploadDoneAsync("exif-portrait-6.jpg");

        foreach (var (url, type) in new[] { ((string)image["thumbnail"]!["url"]!, "image/webp"), ((string)image["thumbnail"]!["previewUrl"]!, "image/jpeg") })
        {
            using var response = await Client.GetAsync(url);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("immutable", response.Headers.CacheControl!.ToString());
            Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl.MaxAge);
            using var again = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { IfNoneMatch = { response.Headers.ETag! } } };
            Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(again)).StatusCode);
        }
        Assert.Equal(1200, (int)image["width"]!);
        Assert.Equal(1800, (int)image["height"]!);
        await Client.DeleteAsync($"api/images/{image.Id()}");
    }

    [Fact]
    public async Task Pages_carry_a_content_security_policy()
    {
        foreach (var page in new[] { "/", "/images/01939a2b-0000-7000-8000-000000000000" })
        {
            using var response = await Client.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self'", policy);
            Assert.DoesNotContain("unsafe-inline", policy);
        }
    }

    [Fact]
    public async Task Delete_removes_the_row_and_every_object()
    {
        var image = await UploadDoneAsync("nikon-gps.jpg");
        var id = image.Id();

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"api/images/{id}")).StatusCode);

        Assert.Null(await Client.GetImageAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"api/images/{id}/original")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync($"api/images/{id}")).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.Server.DataDirectory, "objects"), $"{id}*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Damaged_pixels_end_failed_with_a_reason_and_retry_runs_the_work_again()
    {
        var created = await Client.UploadImageAsync(TestData.Bad("corrupted-exif-samples.jpg"));
        var failed = await Client.WaitUntilFinishedAsync(created.Id());

        Assert.Equal("failed", (string?)failed["state"]);
        Assert.StartsWith("the image could not be decoded", (string?)failed["thumbnail"]!["error"]);
        Assert.Null(failed["thumbnail"]!["url"]);

        using var retry = await Client.PostAsync($"api/images/{created.Id()}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var again = await Client.WaitUntilFinishedAsync(created.Id());
        Assert.Equal("failed", (string?)again["state"]);
        Assert.True((DateTimeOffset)again["thumbnail"]!["finishedAt"]! > (DateTimeOffset)failed["thumbnail"]!["finishedAt"]!);
        await Client.DeleteAsync($"api/images/{created.Id()}");
    }

    [Fact]
    public async Task Retry_with_nothing_failed_is_a_409_and_recaption_makes_a_new_caption()
    {
        var image = await UploadDoneAsync("trailcam-reconyx.jpg");
        var id = image.Id();

        Assert.Equal(HttpStatusCode.Conflict, (await Client.PostAsync($"api/images/{id}/retry", null)).StatusCode);

        using var recaption = await Client.PostAsync($"api/images/{id}/recaption", null);
        Assert.Equal(HttpStatusCode.Accepted, recaption.StatusCode);
        var after = await Client.WaitUntilFinishedAsync(id);
        Assert.Equal("done", (string?)after["caption"]!["state"]);
        Assert.True((DateTimeOffset)after["caption"]!["finishedAt"]! > (DateTimeOffset)image["caption"]!["finishedAt"]!);
        Assert.Equal((string?)image["caption"]!["text"], (string?)after["caption"]!["text"]); // the describer is deterministic
        await Client.DeleteAsync($"api/images/{id}");
    }

    [Fact]
    public async Task A_hostile_file_name_is_kept_as_text_and_never_becomes_a_path()
    {
        var traversal = await UploadDoneAsync("nikon-gps.jpg", "../../etc/passwd.jpg");
        var script = await UploadDoneAsync("nikon-gps.jpg", "<script>alert(1)</script>.jpg");

        Assert.Equal("../../etc/passwd.jpg", (string?)traversal["fileName"]);
        Assert.Equal("<script>alert(1)</script>.jpg", (string?)script["fileName"]);
        var stored = Directory.EnumerateFiles(fixture.Server.DataDirectory, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain(stored, name => name!.Contains("passwd") || name.Contains("script"));
        Assert.False(File.Exists(Path.Combine(fixture.Server.DataDirectory, "..", "..", "etc", "passwd.jpg")));
        // JSON escapes it; the page (browser tests) shows it as text.
        var raw = await Client.GetStringAsync($"api/images/{script.Id()}");
        Assert.DoesNotContain("<script>", raw);
        await Client.DeleteAsync($"api/images/{traversal.Id()}");
        await Client.DeleteAsync($"api/images/{script.Id()}");
    }

    [Fact]
    public async Task Search_finds_an_image_by_caption_words_and_by_file_name()
    {
        var image = await UploadDoneAsync("canon-18mp-dark.jpg", "basement-party.jpg");

        async Task<List<string>> Find(string q) =>
            JsonNode.Parse(await Client.GetStringAsync($"api/images?q={Uri.EscapeDataString(q)}"))!["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList();

        Assert.Contains(image.Id(), await Find("basement"));
        Assert.Contains(image.Id(), await Find("canon dark"));
        Assert.DoesNotContain(image.Id(), await Find("waterfall"));
        await Client.DeleteAsync($"api/images/{image.Id()}");
    }

    [Fact]
    public async Task Live_events_report_each_state_change_and_the_deletion()
    {
        using var events = fixture.Server.NewClient(Timeout.InfiniteTimeSpan);
        using var stream = await events.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());

        var image = (await Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"), "nikon-gps.jpg")).Id();

        // Deleted only once the stream has said "done": a change and the deletion close together may be folded into one event.
        var states = new List<string>();
        var ids = new List<long>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? type = null;
        long id = 0;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ")) type = line[7..];
            if (line.StartsWith("id: ")) id = long.Parse(line[4..]);
            if (!line.StartsWith("data: ") || !line.Contains(image)) continue;
            ids.Add(id);
            if (type == "deleted") break;
            states.Add((string)JsonNode.Parse(line[6..])!["state"]!);
            if (states[^1] == "done") await Client.DeleteAsync($"api/images/{image}");
        }
        Assert.Equal("done", states[^1]);
        Assert.Equal(ids.Distinct().Order(), ids); // event ids are change-feed versions, in order
        Assert.Contains(states, s => s is "pending" or "processing");
    }

    [Fact]
    public async Task A_stream_resumed_after_its_last_event_id_replays_what_it_missed()
    {
        using var events = fixture.Server.NewClient(Timeout.InfiniteTimeSpan);
        long seen;
        using (var first = await events.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await first.Content.ReadAsStreamAsync());
            seen = await NextIdAsync(reader); // the ping says where the stream starts
        }

        var missed = await UploadDoneAsync("nikon-gps.jpg"); // while no stream was open

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
        request.Headers.Add("Last-Event-ID", seen.ToString());
        using var resumed = await events.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var replay = new StreamReader(await resumed.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? type = null;
        JsonNode? replayed = null;
        while (replayed is null && await replay.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ")) type = line[7..];
            if (type == "image" && line.StartsWith("data: ") && line.Contains(missed.Id())) replayed = JsonNode.Parse(line[6..]);
        }
        Assert.Equal("done", (string?)replayed!["state"]);
        Assert.True((long)replayed["version"]! > seen);
        await Client.DeleteAsync($"api/images/{missed.Id()}");
    }

    private static async Task<long> NextIdAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
            if (line.StartsWith("id: ")) return long.Parse(line[4..]);
        throw new InvalidOperationException("the stream ended without an id");
    }

    [Fact]
    public async Task OpenAPI_health_and_readiness_answer()
    {
        var document = JsonNode.Parse(await Client.GetStringAsync("openapi/v1.json"))!;
        Assert.NotNull(document["paths"]!["/api/images"]);
        Assert.NotNull(document["paths"]!["/api/images/{id}/original"]);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("healthz")).StatusCode);
        using var ready = await Client.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }
}
