using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Annotator.Testing;
using Annotator.Testing.Fakes;

namespace Annotator.IntegrationTests;

/// <summary>
/// The real server configured for Gemini, pointed at a loopback fake of the Gemini API: captions arrive with
/// provider "gemini", a refused key becomes a failed caption a person can act on, and re-captions (one image or
/// a search result, with another provider or model) keep the old caption until the new one succeeds.
/// </summary>
public sealed class GeminiCaptionsTests : IAsyncLifetime
{
    private const string Key = "it-key-5f1c9a7e";
    private FakeGeminiServer _gemini = null!;
    private AnnotatorProcess _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync()
    {
        _gemini = await FakeGeminiServer.StartNewAsync();
        _gemini.ExpectedKey = Key;
        _server = await AnnotatorProcess.StartAsync(new Dictionary<string, string>
        {
            ["Annotator:Captions:Provider"] = "gemini",
            ["Annotator:Captions:Gemini:BaseUrl"] = _gemini.BaseUrl.ToString(),
            ["Annotator:Captions:Gemini:Model"] = "gemini-it-flash",
            ["Annotator:Captions:Gemini:RetryDelay"] = "00:00:00.05",
            ["GEMINI_API_KEY"] = Key,
            ["OPENAI_API_KEY"] = "",
            ["Logging:LogLevel:Annotator"] = "Information",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _gemini.DisposeAsync();
    }

    [Fact]
    public async Task An_upload_gets_its_caption_from_gemini_with_model_tokens_and_latency()
    {
        _gemini.Caption = "A small harbour town with red roofs seen from a hill.";
        _gemini.Tags = ["harbour", "town", "Roofs", "hill"];

        var image = await Client.WaitUntilFinishedAsync((await Client.UploadImageAsync(TestData.Distinct("large-kleiber-20mp.jpg"))).Id());

        Assert.Equal("done", (string?)image["state"]);
        var caption = image["caption"]!;
        Assert.Equal("gemini", (string?)caption["provider"]);
        Assert.Equal("gemini-it-flash", (string?)caption["model"]);
        Assert.Equal("A small harbour town with red roofs seen from a hill.", (string?)caption["text"]);
        Assert.Equal(["harbour", "town", "roofs", "hill"], caption["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(1290, (int?)caption["inputTokens"]);
        Assert.Equal(31, (int?)caption["outputTokens"]);
        Assert.Equal(1, (int?)caption["providerAttempts"]);
        Assert.NotNull((long?)caption["latencyMs"]);

        // Gemini received a JPEG no longer than 1536 px on its longest side, not the 20-megapixel original, and the key only in its header.
        var request = _gemini.Requests.Last();
        Assert.Equal(Key, request.Header("x-goog-api-key"));
        Assert.Equal("", request.Query);
        var sent = Convert.FromBase64String((string)request.Json!["contents"]![0]!["parts"]![0]!["inlineData"]!["data"]!);
        var (width, height) = JpegSize(sent);
        Assert.Equal(1536, Math.Max(width, height));
        Assert.DoesNotContain(Key, _server.Output);
    }

    [Fact]
    public async Task A_403_from_gemini_fails_the_caption_at_once_with_a_reason_a_person_can_act_on()
    {
        _gemini.Always = FakeGeminiServer.Error(403, "PERMISSION_DENIED", "Permission denied: Consumer 'api_key:it-key-5f1c9a7e' has been suspended.");
        var before = _gemini.RequestCount;

        var id = (await Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
        // A failed caption makes the image "failed" at once; the thumbnail may still be on its way.
        await WaitForAsync(async () => (await Client.GetImageAsync(id)) is { } i
            && (string?)i["thumbnail"]!["state"] == "done" && (string?)i["caption"]!["state"] == "failed");
        var image = (await Client.GetImageAsync(id))!;

        Assert.Equal("failed", (string?)image["state"]);
        var error = (string)image["caption"]!["error"]!;
        Assert.StartsWith("Gemini refused the API key (HTTP 403 PERMISSION_DENIED: Permission denied: Consumer 'api_key:[key]' has been suspended.)", error);
        Assert.EndsWith("check GEMINI_API_KEY", error);
        Assert.Equal(before + 1, _gemini.RequestCount); // no retries on a refused key
        Assert.DoesNotContain(Key, _server.Output);
    }

    [Fact]
    public async Task A_recaption_with_another_model_keeps_the_old_caption_until_the_new_one_arrives()
    {
        _gemini.Caption = "An old caption.";
        var id = (await Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
        await Client.WaitUntilFinishedAsync(id);
        _gemini.Caption = "A new caption from another model.";
        _gemini.Hold();

        using var accepted = await Client.PostAsJsonAsync($"api/images/{id}/recaption", new { provider = "gemini", model = "gemini-it-pro" });

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var pending = (await accepted.Content.ReadFromJsonAsync<JsonObject>())!["caption"]!;
        Assert.Contains((string?)pending["state"], new[] { "pending", "processing" });
        Assert.Equal("An old caption.", (string?)pending["text"]);
        Assert.Equal("gemini-it-pro", (string?)pending["requested"]!["model"]);
        await WaitForAsync(() => _gemini.Requests.Any(r => FakeGeminiServer.ModelOf(r) == "gemini-it-pro"));
        var working = (await Client.GetImageAsync(id))!["caption"]!;
        Assert.Equal("processing", (string?)working["state"]);
        Assert.Equal("An old caption.", (string?)working["text"]);

        _gemini.Release();
        var image = await Client.WaitUntilFinishedAsync(id);

        Assert.Equal("A new caption from another model.", (string?)image["caption"]!["text"]);
        Assert.Equal("gemini-it-pro", (string?)image["caption"]!["model"]);
        Assert.Null(image["caption"]!["requested"]);
    }

    [Fact]
    public async Task A_failed_recaption_keeps_the_old_caption_and_says_why()
    {
        _gemini.Caption = "The caption that stays.";
        var id = (await Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
        await Client.WaitUntilFinishedAsync(id);
        _gemini.Always = FakeGeminiServer.Blocked("PROHIBITED_CONTENT");

        (await Client.PostAsync($"api/images/{id}/recaption", null)).EnsureSuccessStatusCode();
        var image = await Client.WaitUntilFinishedAsync(id);

        Assert.Equal("failed", (string?)image["caption"]!["state"]);
        Assert.Equal("The caption that stays.", (string?)image["caption"]!["text"]);
        Assert.Equal("Gemini blocked the image (PROHIBITED_CONTENT); it will not caption it", (string?)image["caption"]!["error"]);
    }

    [Fact]
    public async Task A_recaption_with_the_offline_describer_records_it_as_the_provider()
    {
        var id = (await Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
        await Client.WaitUntilFinishedAsync(id);

        using var accepted = await Client.PostAsJsonAsync($"api/images/{id}/recaption", new { provider = "offline" });
        await WaitForAsync(async () => (string?)(await Client.GetImageAsync(id))!["caption"]!["provider"] == "offline");

        var caption = (await Client.GetImageAsync(id))!["caption"]!;
        Assert.Equal("describer-1", (string?)caption["model"]);
        Assert.Contains("NIKON COOLPIX P6000", (string?)caption["text"]);
    }

    [Theory]
    [InlineData("""{"provider":"claude"}""", "provider 'claude' is not one of offline, gemini, openai, ollama")]
    [InlineData("""{"provider":"openai"}""", "provider 'openai' is not configured on this server: Annotator:Captions:Openai:Model is empty: name the model the endpoint serves")]
    [InlineData("""{"model":"gemini/../../x"}""", "model 'gemini/../../x' is not a valid model name (letters, digits and . _ - : / @ +, at most 200)")]
    public async Task A_recaption_with_a_provider_this_server_cannot_use_is_a_clear_400(string body, string detail)
    {
        var id = (await Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();

        using var one = await Client.PostAsync($"api/images/{id}/recaption", new StringContent(body, null, "application/json"));
        using var many = await Client.PostAsync("api/recaptions", new StringContent(body, null, "application/json"));

        foreach (var response in new[] { one, many })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(detail, (string?)(await response.ProblemAsync())["detail"]);
        }
    }

    [Fact]
    public async Task A_search_result_is_recaptioned_as_a_job_with_progress()
    {
        var tag = "batch" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        foreach (var name in new[] { "a", "b", "c" })
            ids.Add((await Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"), $"{tag}-{name}.jpg")).Id());
        var other = (await Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"), "unrelated.jpg")).Id();
        foreach (var id in ids.Append(other)) await Client.WaitUntilFinishedAsync(id);
        _gemini.Hold();

        using var started = await Client.PostAsJsonAsync("api/recaptions", new { q = tag, model = "gemini-it-batch" });

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(3, (int?)job["total"]);
        Assert.Equal(3, (int?)job["pending"]);
        Assert.False((bool)job["finished"]!);
        Assert.Equal($"/api/recaptions/{job["id"]}", started.Headers.Location?.OriginalString);
        _gemini.Release();
        JsonObject progress;
        do
        {
            await Task.Delay(100);
            progress = (await Client.GetFromJsonAsync<JsonObject>($"api/recaptions/{job["id"]}"))!;
        } while (!(bool)progress["finished"]!);

        Assert.Equal((3, 0, 0), ((int)progress["done"]!, (int)progress["failed"]!, (int)progress["pending"]!));
        foreach (var id in ids) Assert.Equal("gemini-it-batch", (string?)(await Client.GetImageAsync(id))!["caption"]!["model"]);
        Assert.Equal("gemini-it-flash", (string?)(await Client.GetImageAsync(other))!["caption"]!["model"]);
        using var missing = await Client.GetAsync("api/recaptions/no-such-job");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_captioners_are_listed_with_what_this_server_can_use()
    {
        var list = (await Client.GetFromJsonAsync<JsonObject>("api/captioners"))!;

        Assert.Equal("gemini", (string?)list["defaultProvider"]);
        var providers = list["providers"]!.AsArray().ToDictionary(p => (string)p!["provider"]!, p => p!);
        Assert.True((bool)providers["gemini"]!["available"]!);
        Assert.Equal("gemini-it-flash", (string?)providers["gemini"]!["model"]);
        Assert.Equal("closed", (string?)providers["gemini"]!["circuit"]);
        Assert.True((bool)providers["offline"]!["available"]!);
        Assert.False((bool)providers["openai"]!["available"]!);
        Assert.NotNull((string?)providers["openai"]!["reason"]);
    }

    private static async Task WaitForAsync(Func<bool> condition) => await WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the condition never became true");
    }

    /// <summary>Width and height from a JPEG's start-of-frame marker.</summary>
    private static (int Width, int Height) JpegSize(byte[] jpeg)
    {
        for (var i = 2; i + 9 < jpeg.Length;)
        {
            if (jpeg[i] != 0xFF) { i++; continue; }
            var marker = jpeg[i + 1];
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return ((jpeg[i + 7] << 8) | jpeg[i + 8], (jpeg[i + 5] << 8) | jpeg[i + 6]);
            i += 2 + length;
        }
        throw new InvalidDataException("no start-of-frame marker");
    }
}
