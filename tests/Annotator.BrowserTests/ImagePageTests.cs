using System.Text.RegularExpressions;
using Annotator.Testing;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>The image page: what it shows, and deleting from it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImagePageTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task The_image_page_shows_the_preview_caption_camera_and_location()
    {
        var id = (await browser.Api.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
        await using var tab = await browser.NewPageAsync(output);
        await tab.GotoAsync($"/images/{id}");

        await Expect(tab.Locator("h1")).ToHaveTextAsync("nikon-gps.jpg");
        // The page may open before the work is done: the preview and caption arrive live.
        await tab.WaitForLoadedImageAsync("#preview img");
        await Expect(tab.Locator("#preview img")).ToBeVisibleAsync();
        await Expect(tab.Locator("#caption .caption-text")).ToContainTextAsync("NIKON COOLPIX P6000");
        await Expect(tab.Locator("#caption .offline-label")).ToHaveTextAsync("offline description");

        var exif = tab.Locator("#exif-facts");
        await Expect(Fact(tab, exif, "Camera")).ToHaveTextAsync("NIKON COOLPIX P6000");
        await Expect(Fact(tab, exif, "Location")).ToContainTextAsync("43.467448");
        await Expect(Fact(tab, exif, "Location")).ToContainTextAsync("11.885127");
        await Expect(Fact(tab, exif, "Location").Locator("a")).ToHaveAttributeAsync("href", new Regex(@"^https://www\.openstreetmap\.org/.*43\.467448"));
        await Expect(Fact(tab, exif, "ISO")).ToHaveTextAsync("64");
        await Expect(Fact(tab, tab.Locator("#file-facts"), "Dimensions")).ToHaveTextAsync("640 × 480 px");
        await Expect(tab.Locator("#processing [data-work=thumbnail] .badge")).ToHaveTextAsync("Done");
        await Expect(tab.Locator("#processing [data-work=caption] .badge")).ToHaveTextAsync("Done");
        await Expect(tab.Locator("#download")).ToHaveAttributeAsync("href", $"/api/images/{id}/original?download=true");
        // The admin is offered every action (each starts hidden until the account is known).
        await tab.WaitForAccountAsync();
        await Expect(tab.Locator("#retry")).ToBeVisibleAsync();
        await Expect(tab.Locator("#retry")).ToBeDisabledAsync();
        await Expect(tab.Locator("#recaption")).ToBeVisibleAsync();
        await Expect(tab.Locator("#recaption")).ToBeEnabledAsync();
        await Expect(tab.Locator("#delete")).ToBeVisibleAsync();

        await tab.ScreenshotAsync("image.png");

        await using var phone = await browser.NewPageAsync(output, new()
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 2,
            ColorScheme = Microsoft.Playwright.ColorScheme.Dark,
        });
        await phone.GotoAsync($"/images/{id}");
        await phone.WaitForLoadedImageAsync("#preview img");
        var overflow = await phone.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the phone page is {overflow}px wider than the screen");
        await phone.ScreenshotAsync("image-phone-dark.png");
    }

    [Fact]
    public async Task Deleting_from_the_image_page_returns_to_a_gallery_without_it()
    {
        var id = (await browser.Api.UploadImageAsync(TestData.Distinct("exif-landscape-3.jpg"))).Id();
        await using var tab = await browser.NewPageAsync(output);
        await tab.GotoAsync($"/images/{id}");
        await Expect(tab.Locator("h1")).ToHaveTextAsync("exif-landscape-3.jpg");
        await Expect(tab.Locator("#processing [data-work=caption] .badge")).ToHaveTextAsync("Done");

        await tab.Locator("#delete").ClickAsync();
        await Expect(tab.Locator("#confirm-delete")).ToBeVisibleAsync();
        await tab.Locator("#confirm-delete-button").ClickAsync();

        await Expect(tab.Page).ToHaveURLAsync(new Regex(@"^http://[^/]+/$"));
        await tab.WaitForGalleryAsync();
        await Expect(tab.Locator("#flash")).ToHaveTextAsync("Deleted “exif-landscape-3.jpg”.");
        await Expect(tab.Card(id)).ToHaveCountAsync(0);
        Assert.Null(await browser.Api.GetImageAsync(id));
    }

    [Fact]
    public async Task Re_caption_writes_a_new_caption_and_the_page_shows_it_live()
    {
        var id = (await browser.Api.UploadImageAsync(TestData.Distinct("camera-canon.jpg"))).Id();
        var before = await browser.Api.WaitUntilFinishedAsync(id);
        var finishedBefore = (string)before["caption"]!["finishedAt"]!;
        await using var tab = await browser.NewPageAsync(output);
        await tab.GotoAsync($"/images/{id}");
        var caption = tab.Locator("#processing [data-work=caption]");
        await Expect(caption).ToHaveAttributeAsync("data-state", "done");
        await Expect(tab.Locator("#live-status")).ToHaveAttributeAsync("data-live", "open");

        await tab.Locator("#recaption").ClickAsync();
        await Expect(tab.Locator("#page-status")).ToHaveTextAsync("Re-caption finished: a new caption by Offline describer (describer-1).");
        // A later finish time, delivered by the live stream, without a reload.
        await Expect(caption).Not.ToHaveAttributeAsync("data-finished-at", new Regex($"^({Regex.Escape(finishedBefore)})?$"));
        await Expect(caption).ToHaveAttributeAsync("data-state", "done");
        await Expect(tab.Locator("#caption .caption-text")).ToContainTextAsync("Canon PowerShot SX60 HS");
        await Expect(tab.Locator("#recaption")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task An_unknown_id_says_there_is_no_such_image()
    {
        await using var tab = await browser.NewPageAsync(output);
        await tab.GotoAsync("/images/01900000-0000-7000-8000-000000000000");
        await Expect(tab.Locator("h1")).ToHaveTextAsync("No such image");
        await Expect(tab.Locator("#page-status")).ToContainTextAsync("There is no image with id 01900000-0000-7000-8000-000000000000");
        await Expect(tab.Locator("#image-layout")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task The_header_links_to_the_API_reference_and_the_OpenAPI_document()
    {
        await using var tab = await browser.NewPageAsync(output);
        await tab.GotoAsync("/images/01900000-0000-7000-8000-000000000001");
        var nav = tab.Page.GetByRole(Microsoft.Playwright.AriaRole.Navigation, new() { Name = "API" });
        await Expect(nav.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "API reference" })).ToHaveAttributeAsync("href", "/scalar");
        await Expect(nav.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "OpenAPI" })).ToHaveAttributeAsync("href", "/openapi/v1.json");
        foreach (var path in new[] { "scalar", "openapi/v1.json" })
        {
            using var response = await browser.Api.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"GET /{path} answered {(int)response.StatusCode}");
        }
    }

    private static Microsoft.Playwright.ILocator Fact(BrowserPage tab, Microsoft.Playwright.ILocator list, string label) =>
        list.Locator(".fact").Filter(new() { Has = tab.Page.Locator("dt", new() { HasTextRegex = new Regex($"^{Regex.Escape(label)}$") }) }).Locator("dd");
}
