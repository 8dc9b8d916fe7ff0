using System.Text.Json.Nodes;
using Annotator.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>The gallery page: uploading through the page, live cards, thumbnails, refusals.</summary>
[Collection(BrowserCollection.Name)]
public sealed class GalleryTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Uploaded_photos_get_their_thumbnail_and_caption_live_without_a_reload()
    {
        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync();
        await tab.Page.EvaluateAsync("() => { window.notReloaded = true; }");

        string[] names = ["nikon-gps.jpg", "exif-landscape-1.jpg", "camera-canon.jpg"];
        await tab.Locator("#file-input").SetInputFilesAsync(names.Select(TestData.Image));

        var ids = new List<string>();
        foreach (var name in names)
        {
            var id = await tab.UploadedIdAsync(name);
            ids.Add(id);
            var card = tab.Card(id);
            await Expect(card.Locator(".card-link")).ToHaveTextAsync(name);
            await Expect(card.Locator(".badge")).ToHaveTextAsync("Done");
            await Expect(card.Locator(".card-caption")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\w{3,}.*\w{3,}"));
            await Expect(card.Locator(".offline-label")).ToHaveTextAsync("offline description");
            await tab.WaitForLoadedImageAsync($".card[data-id=\"{id}\"] img.thumb-img");
            await Expect(card.Locator("img.thumb-img")).ToBeVisibleAsync();
            await Expect(card.Locator(".card-link")).ToHaveAttributeAsync("href", $"/images/{id}");
        }
        await Expect(tab.Card(ids[0]).Locator(".card-caption")).ToContainTextAsync("NIKON COOLPIX P6000");

        // Newest first: the three new cards lead the grid.
        var firstThree = await tab.Locator(".card").EvaluateAllAsync<string[]>("cards => cards.slice(0, 3).map(c => c.dataset.id)");
        Assert.Equal(ids.Order(), firstThree.Order());
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page was reloaded");

        await tab.ScreenshotAsync("gallery.png");

        // The same gallery on a phone in dark mode: readable, nothing wider than the screen.
        await using var phone = await browser.NewPageAsync(output, new()
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 2,
            ColorScheme = ColorScheme.Dark,
        });
        await phone.OpenGalleryAsync();
        await phone.WaitForLoadedImageAsync($".card[data-id=\"{ids[^1]}\"] img.thumb-img");
        var overflow = await phone.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the phone page is {overflow}px wider than the screen");
        await phone.ScreenshotAsync("gallery-phone-dark.png");
    }

    [Fact]
    public async Task A_portrait_photo_with_EXIF_orientation_6_has_a_portrait_thumbnail()
    {
        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync();
        await tab.Locator("#file-input").SetInputFilesAsync(TestData.Image("exif-portrait-6.jpg"));
        var id = await tab.UploadedIdAsync("exif-portrait-6.jpg");

        var (width, height) = await tab.WaitForLoadedImageAsync($".card[data-id=\"{id}\"] img.thumb-img");
        Assert.True(height > width, $"the thumbnail is {width}×{height}, not taller than wide");
        var box = await tab.Card(id).Locator("img.thumb-img").BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Height > box.Width, $"the thumbnail renders {box.Width}×{box.Height}, not taller than wide");
    }

    [Fact]
    public async Task A_refused_file_shows_the_servers_message_and_adds_no_card()
    {
        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync();
        var cardsBefore = await tab.Locator(".card").CountAsync();

        var response = await tab.Page.RunAndWaitForResponseAsync(
            () => tab.Locator("#file-input").SetInputFilesAsync(TestData.Bad("text-renamed.jpg")),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/api/images");
        Assert.True(response.Status >= 400, $"the server accepted a text file ({response.Status})");
        var problem = JsonNode.Parse(await response.TextAsync())!;
        var message = (string?)problem["detail"] ?? (string?)problem["title"];
        Assert.False(string.IsNullOrWhiteSpace(message), "the refusal has no message");
        output.WriteLine($"refusal: {response.Status} {message}");

        var row = tab.UploadRow("text-renamed.jpg");
        await Expect(row).ToHaveAttributeAsync("data-status", "error");
        await Expect(row.Locator(".upload-message")).ToHaveTextAsync(message!);
        await Expect(row.Locator(".upload-message")).ToBeVisibleAsync();
        await Expect(tab.Locator("#upload-summary")).ToContainTextAsync("1 refused");

        await Expect(tab.Locator(".card")).ToHaveCountAsync(cardsBefore);
        await Expect(tab.Page.Locator(".card .card-link", new() { HasTextString = "text-renamed.jpg" })).ToHaveCountAsync(0);
        var list = await browser.Server.Client.GetStringAsync("api/images?q=text-renamed");
        Assert.DoesNotContain("text-renamed.jpg", list);
    }
}
