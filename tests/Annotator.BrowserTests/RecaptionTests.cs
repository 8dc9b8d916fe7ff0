using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Annotator.Testing;
using Annotator.Testing.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>
/// Re-captioning from the pages with another provider or model: the image page's provider/model control, the
/// providers this server cannot use, and the gallery's "Re-caption these results" job with its progress. The server
/// is this class's own (<see cref="GeminiServerFixture"/>): offline by default, Gemini (a loopback fake) to choose.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RecaptionTests(BrowserFixture browser, GeminiServerFixture fixture, ITestOutputHelper output)
    : IClassFixture<GeminiServerFixture>
{
    private FakeGeminiServer Gemini => fixture.Gemini;

    private Task<BrowserPage> NewPageAsync(BrowserNewContextOptions? options = null) => browser.NewPageAsync(output, options, fixture.Server);

    private async Task<string> UploadAsync(string image, string fileName)
    {
        var id = (await fixture.Api.UploadImageAsync(TestData.Distinct(image), fileName)).Id();
        var done = await fixture.Api.WaitUntilFinishedAsync(id);
        Assert.Equal("offline", (string?)done["caption"]!["provider"]);
        return id;
    }

    [Fact]
    public async Task Choosing_Gemini_on_the_image_page_writes_a_new_caption_shown_live_with_its_provider_and_model()
    {
        Gemini.Caption = "A stone lighthouse above a rocky shore under a pale sky.";
        Gemini.Tags = ["lighthouse", "shore", "sky"];
        var id = await UploadAsync("nikon-gps.jpg", "image-page-gemini.jpg");
        await using var tab = await NewPageAsync();
        await tab.GotoAsync($"/images/{id}");
        await Expect(tab.Locator("#caption .caption-text")).ToContainTextAsync("NIKON COOLPIX P6000");
        await Expect(tab.Locator("#caption .offline-label")).ToHaveTextAsync("offline description");
        await Expect(tab.Locator("#live-status")).ToHaveAttributeAsync("data-live", "open");
        await tab.Page.EvaluateAsync("() => { window.notReloaded = true; }");

        // The select offers the default first, then Gemini; the model field's placeholder follows the choice.
        var provider = tab.Page.GetByLabel("Provider");
        await Expect(provider).ToHaveValueAsync("");
        await Expect(provider.Locator("option").First).ToHaveTextAsync("Offline describer (default)");
        await provider.SelectOptionAsync(new SelectOptionValue { Label = "Gemini" });
        var model = tab.Page.GetByLabel("Model (optional)");
        await Expect(model).ToHaveAttributeAsync("placeholder", GeminiServerFixture.DefaultModel);
        await model.FillAsync("gemini-ui-pro");

        // Gemini holds its answer: the old caption stays, and the page says what is being written and by whom.
        Gemini.Hold();
        try
        {
            await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Re-caption" }).ClickAsync();
            await Expect(tab.Locator("#caption .caption-working")).ToHaveTextAsync(
                "A new caption is being written by Gemini (gemini-ui-pro); this one stays until it is ready.");
            await Expect(tab.Locator("#caption .caption-text")).ToContainTextAsync("NIKON COOLPIX P6000");
            await Expect(tab.Locator("#page-status")).ToHaveTextAsync("Writing a new caption with Gemini (gemini-ui-pro)…");
            await Expect(tab.Locator("#recaption")).ToBeDisabledAsync();
            await tab.ScreenshotAsync("recaption-image-writing.png");
        }
        finally
        {
            Gemini.Release();
        }

        await Expect(tab.Locator("#page-status")).ToHaveTextAsync("Re-caption finished: a new caption by Gemini (gemini-ui-pro).");
        await Expect(tab.Locator("#caption .caption-text")).ToHaveTextAsync(Gemini.Caption);
        await Expect(tab.Locator("#caption .caption-source")).ToHaveTextAsync(new Regex(@"^Written by Gemini \(gemini-ui-pro\) in \d"));
        await Expect(tab.Locator("#caption .offline-label")).ToHaveCountAsync(0);
        await Expect(tab.Locator("#caption .tag")).ToHaveTextAsync(["lighthouse", "shore", "sky"]);
        var work = tab.Locator("#processing [data-work=caption]");
        await Expect(Fact(tab, work, "Provider")).ToHaveTextAsync("gemini");
        await Expect(Fact(tab, work, "Model")).ToHaveTextAsync("gemini-ui-pro");
        await Expect(Fact(tab, work, "Tokens")).ToHaveTextAsync("1290 in, 31 out");
        await Expect(Fact(tab, work, "Provider calls")).ToHaveTextAsync("1");
        await Expect(Fact(tab, work, "Latency")).ToHaveTextAsync(new Regex(@"^\d"));
        await Expect(tab.Locator("#recaption")).ToBeEnabledAsync();
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page was reloaded");
        Assert.Contains(Gemini.Requests, r => FakeGeminiServer.ModelOf(r) == "gemini-ui-pro");
        await tab.ScreenshotAsync("recaption-image-done.png");
    }

    [Fact]
    public async Task A_failed_recaption_keeps_the_old_caption_and_shows_the_providers_reason()
    {
        var id = await UploadAsync("camera-canon.jpg", "image-page-blocked.jpg");
        await using var tab = await NewPageAsync(new() { ColorScheme = ColorScheme.Dark });
        await tab.GotoAsync($"/images/{id}");
        await Expect(tab.Locator("#caption .caption-text")).ToContainTextAsync("Canon PowerShot SX60 HS");
        await Expect(tab.Locator("#live-status")).ToHaveAttributeAsync("data-live", "open");

        Gemini.Always = FakeGeminiServer.Blocked("PROHIBITED_CONTENT");
        try
        {
            await tab.Page.GetByLabel("Provider").SelectOptionAsync("gemini");
            await tab.Locator("#recaption").ClickAsync();
            const string reason = "Gemini blocked the image (PROHIBITED_CONTENT); it will not caption it";
            await Expect(tab.Locator("#page-status")).ToHaveTextAsync($"Re-caption failed: {reason}. The previous caption is kept.");
        }
        finally
        {
            Gemini.Always = null;
        }
        await Expect(tab.Locator("#page-status")).ToHaveClassAsync(new Regex(@"\berror\b"));
        await Expect(tab.Locator("#caption .caption-text")).ToContainTextAsync("Canon PowerShot SX60 HS");
        await Expect(tab.Locator("#caption .reason")).ToContainTextAsync("The new caption could not be written: Gemini blocked the image");
        await Expect(tab.Locator("#processing [data-work=caption] .badge")).ToHaveTextAsync("Failed");
        await tab.ScreenshotAsync("recaption-image-failed-dark.png");

        // A model name the server refuses is a 400: its detail is shown, and nothing changes.
        await tab.Page.GetByLabel("Model (optional)").FillAsync("no such model!");
        await tab.Locator("#recaption").ClickAsync();
        await Expect(tab.Locator("#page-status")).ToHaveTextAsync(new Regex(@"^Re-caption refused: model 'no such model!' is not a valid model name"));
        await Expect(tab.Locator("#recaption")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task A_caption_made_by_the_fallback_says_so_and_why()
    {
        // The fallback only runs when the default provider fails, which this server's offline default never does,
        // so the page is shown an image as such a server describes it.
        var id = await UploadAsync("exif-landscape-1.jpg", "fallback.jpg");
        var image = (await fixture.Api.GetImageAsync(id))!;
        var caption = image["caption"]!.AsObject();
        caption["fallbackReason"] = "Gemini failed (HTTP 503 UNAVAILABLE: The model is overloaded.); gave up after 4 attempts, retry later";
        await using var tab = await NewPageAsync();
        await tab.Page.RouteAsync($"**/api/images/{id}", route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "application/json",
            Body = image.ToJsonString(),
        }));
        await tab.GotoAsync($"/images/{id}");

        await Expect(tab.Locator("#caption .fallback-note")).ToHaveTextAsync(
            "Made by the fallback, Offline describer, because Gemini failed (HTTP 503 UNAVAILABLE: The model is overloaded.); gave up after 4 attempts, retry later");
        await Expect(tab.Locator("#caption .offline-label")).ToHaveTextAsync("offline description");
        await Expect(Fact(tab, tab.Locator("#processing [data-work=caption]"), "Fallback because")).ToContainTextAsync("HTTP 503 UNAVAILABLE");
    }

    [Fact]
    public async Task Providers_this_server_cannot_use_are_shown_disabled_with_their_reason()
    {
        var captioners = (await fixture.Api.GetFromJsonAsync<JsonObject>("api/captioners"))!;
        string ReasonOf(string name) => (string)captioners["providers"]!.AsArray().Single(p => (string?)p!["provider"] == name)!["reason"]!;
        var reasons = new Dictionary<string, string> { ["ollama"] = ReasonOf("ollama"), ["openai"] = ReasonOf("openai") };
        Assert.Contains("Ollama:Model is empty", reasons["ollama"]);

        var id = await UploadAsync("exif-landscape-2.jpg", "unavailable.jpg");
        await using var tab = await NewPageAsync();
        await tab.GotoAsync($"/images/{id}");
        await CheckUnavailableAsync(tab, "#recaption-provider", "#recaption-unavailable", reasons);

        // The gallery's panel offers the same choice.
        await tab.OpenGalleryAsync();
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Re-caption these results…" }).ClickAsync();
        await CheckUnavailableAsync(tab, "#job-provider", "#job-unavailable", reasons);
    }

    private static async Task CheckUnavailableAsync(BrowserPage tab, string select, string notes, Dictionary<string, string> reasons)
    {
        await Expect(tab.Locator($"{select} option[value=gemini]")).ToHaveJSPropertyAsync("disabled", false);
        foreach (var (provider, reason) in reasons)
        {
            var option = tab.Locator($"{select} option[value={provider}]");
            await Expect(option).ToHaveJSPropertyAsync("disabled", true);
            await Expect(option).ToContainTextAsync("not available");
            await Expect(option).ToHaveAttributeAsync("title", reason);
        }
        var details = tab.Locator(notes);
        await Expect(details.Locator("summary")).ToHaveTextAsync("Not available on this server: OpenAI-compatible, Ollama");
        await details.Locator("summary").ClickAsync();
        foreach (var (provider, reason) in reasons)
        {
            var note = details.Locator($"li[data-provider={provider}]");
            await Expect(note).ToBeVisibleAsync();
            await Expect(note).ToContainTextAsync(reason);
        }
    }

    [Fact]
    public async Task Re_captioning_a_search_result_shows_the_jobs_progress_and_updates_the_cards()
    {
        Gemini.Caption = "A white lighthouse on a headland, painted by the fake Gemini.";
        Gemini.Tags = ["lighthouse", "headland"];
        string[] names = ["pharos-north.jpg", "pharos-south.jpg", "pharos-east.jpg"];
        string[] images = ["exif-landscape-3.jpg", "exif-landscape-4.jpg", "exif-landscape-5.jpg"];
        var ids = new List<string>();
        for (var i = 0; i < names.Length; i++) ids.Add(await UploadAsync(images[i], names[i]));
        var other = await UploadAsync("exif-landscape-7.jpg", "harbour-at-dusk.jpg");

        await using var tab = await NewPageAsync();
        await tab.OpenGalleryAsync();
        await tab.Locator("#q").FillAsync("pharos");
        await tab.Locator("#q").PressAsync("Enter");
        await Expect(tab.Locator("#gallery-status")).ToHaveTextAsync("3 images found");
        await Expect(tab.Card(other)).ToHaveCountAsync(0);

        var open = tab.Page.GetByRole(AriaRole.Button, new() { Name = "Re-caption these results…" });
        await open.ClickAsync();
        await Expect(open).ToHaveAttributeAsync("aria-expanded", "true");
        var panel = tab.Page.GetByRole(AriaRole.Region, new() { Name = "Re-caption these results" });
        await Expect(panel).ToBeVisibleAsync();
        await Expect(tab.Locator("#recaption-scope")).ToHaveTextAsync("This writes a new caption for the 3 images matching “pharos”.");
        await Expect(tab.Locator("#job-provider")).ToBeFocusedAsync();
        await tab.Locator("#job-provider").SelectOptionAsync("gemini");
        var requestsBefore = Gemini.RequestCount;

        Gemini.Hold();
        try
        {
            await panel.GetByRole(AriaRole.Button, new() { Name = "Re-caption 3 images" }).ClickAsync();
            await Expect(tab.Locator("#job-title")).ToHaveTextAsync($"Re-captioning the 3 images matching “pharos” with Gemini ({GeminiServerFixture.DefaultModel}).");
            await Expect(tab.Locator("#job-bar")).ToHaveAttributeAsync("max", "3");
            await Expect(tab.Locator("#job-status")).ToHaveTextAsync("0 of 3 processed: 0 new, 0 failed.");
            foreach (var id in ids) await Expect(tab.Card(id).Locator(".recaption-label")).ToHaveTextAsync("new caption on its way");
            await tab.ScreenshotAsync("recaption-job-running.png");
        }
        finally
        {
            Gemini.Release();
        }

        await Expect(tab.Locator("#job-status")).ToHaveTextAsync("Finished: 3 of 3 images have a new caption by Gemini.");
        await Expect(tab.Locator("#job-bar")).ToHaveJSPropertyAsync("value", 3);
        await Expect(tab.Locator("#recaption-panel-heading")).ToHaveTextAsync("Re-caption finished");
        foreach (var id in ids)
        {
            await Expect(tab.Card(id).Locator(".card-caption")).ToHaveTextAsync(Gemini.Caption);
            await Expect(tab.Card(id).Locator(".offline-label")).ToHaveCountAsync(0);
            await Expect(tab.Card(id).Locator(".recaption-label")).ToHaveCountAsync(0);
        }
        await tab.ScreenshotAsync("recaption-job-finished.png");

        Assert.Equal(requestsBefore + 3, Gemini.RequestCount);
        var untouched = (await fixture.Api.GetImageAsync(other))!;
        Assert.Equal("offline", (string?)untouched["caption"]!["provider"]);
        await Expect(tab.Locator("#job-again")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Re_captioning_without_a_search_says_it_touches_every_image_and_asks_to_confirm()
    {
        await UploadAsync("exif-landscape-8.jpg", "everything.jpg");
        var count = JsonNode.Parse(await fixture.Api.GetStringAsync("api/images?limit=200"))!["items"]!.AsArray().Count;
        await using var tab = await NewPageAsync(new()
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 2,
            ColorScheme = ColorScheme.Dark,
        });
        await tab.OpenGalleryAsync();
        var open = tab.Page.GetByRole(AriaRole.Button, new() { Name = "Re-caption these results…" });
        await open.ClickAsync();

        var scope = tab.Locator("#recaption-scope");
        await Expect(scope).ToHaveTextAsync($"No search or state is chosen: this re-captions every image, all {count} images.");
        var start = tab.Locator("#job-start");
        await Expect(start).ToHaveTextAsync("Re-caption every image");
        await Expect(start).ToBeDisabledAsync();
        await tab.Page.GetByLabel("Yes, re-caption every image").CheckAsync();
        await Expect(start).ToBeEnabledAsync();
        var overflow = await tab.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the phone page is {overflow}px wider than the screen");
        await tab.ScreenshotAsync("recaption-everything-phone-dark.png");

        // A refused request (here a model name the server does not accept) shows the server's reason; no job starts.
        await tab.Locator("#job-model").FillAsync("not a model!");
        await start.ClickAsync();
        await Expect(tab.Locator("#job-error")).ToHaveTextAsync(new Regex(@"^The re-caption was not started: model 'not a model!' is not a valid model name"));
        await Expect(tab.Locator("#job")).ToBeHiddenAsync();

        // Escape closes the panel and gives the focus back to the button that opened it.
        await tab.Locator("#job-model").PressAsync("Escape");
        await Expect(tab.Locator("#recaption-panel")).ToBeHiddenAsync();
        await Expect(open).ToBeFocusedAsync();
        await Expect(open).ToHaveAttributeAsync("aria-expanded", "false");
    }

    private static ILocator Fact(BrowserPage tab, ILocator list, string label) =>
        list.Locator(".fact").Filter(new() { Has = tab.Page.Locator("dt", new() { HasTextRegex = new Regex($"^{Regex.Escape(label)}$") }) }).Locator("dd");
}
