using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
            await Expect(card.Locator(".card-caption")).ToHaveTextAsync(new Regex(@"\w{3,}.*\w{3,}"));
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
    public async Task Photos_dropped_on_the_page_are_uploaded()
    {
        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync();
        var bytes = Convert.ToBase64String(await File.ReadAllBytesAsync(TestData.Distinct("exif-landscape-8.jpg")));

        // What a drag from the file manager delivers: a DataTransfer holding a File.
        await tab.Page.EvaluateAsync("""
            base64 => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], 'dropped-landscape.jpg', { type: 'image/jpeg' }));
              window.testTransfer = transfer;
              document.getElementById('drop-zone').dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
            }
            """, bytes);
        await Expect(tab.Locator("body")).ToHaveClassAsync(new Regex(@"\bdragging\b"));
        await tab.Page.EvaluateAsync("""
            () => document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: window.testTransfer, bubbles: true, cancelable: true }))
            """);
        await Expect(tab.Locator("body")).Not.ToHaveClassAsync(new Regex(@"\bdragging\b"));

        var id = await tab.UploadedIdAsync("dropped-landscape.jpg");
        await Expect(tab.Card(id).Locator(".card-link")).ToHaveTextAsync("dropped-landscape.jpg");
        await tab.WaitForLoadedImageAsync($".card[data-id=\"{id}\"] img.thumb-img");

        await tab.Locator("#clear-uploads").ClickAsync();
        await Expect(tab.Locator(".upload-row")).ToHaveCountAsync(0);
        await Expect(tab.Locator("#uploads")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_portrait_photo_with_EXIF_orientation_6_has_a_portrait_thumbnail()
    {
        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync();
        await tab.Locator("#file-input").SetInputFilesAsync(TestData.Distinct("exif-portrait-6.jpg"));
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
        await Expect(row.Locator(".upload-message")).ToContainTextAsync(message!);
        await Expect(row.Locator(".upload-message")).ToBeVisibleAsync();
        await Expect(tab.Locator("#upload-summary")).ToContainTextAsync("1 refused");

        await Expect(tab.Locator(".card")).ToHaveCountAsync(cardsBefore);
        await Expect(tab.Page.Locator(".card .card-link", new() { HasTextString = "text-renamed.jpg" })).ToHaveCountAsync(0);
        var list = await browser.Api.GetStringAsync("api/images?q=text-renamed");
        Assert.DoesNotContain("text-renamed.jpg", list);
        await tab.ScreenshotAsync("upload-refused.png");
    }

    [Fact]
    public async Task Scrolling_loads_every_page_in_order_without_duplicates()
    {
        foreach (var name in new[] { "exif-landscape-4.jpg", "exif-landscape-5.jpg", "exif-landscape-7.jpg" })
            await browser.Api.UploadImageAsync(TestData.Distinct(name));
        var all = JsonNode.Parse(await browser.Api.GetStringAsync("api/images?limit=200"))!["items"]!.AsArray()
            .Select(item => (string)item!["id"]!).ToArray();
        Assert.True(all.Length >= 3);

        await using var tab = await browser.NewPageAsync(output);
        // Pages of two, so a handful of images spans several pages and cursors.
        var pages = 0;
        await tab.Page.RouteAsync(new Regex(@"/api/images\?"), async route =>
        {
            Interlocked.Increment(ref pages);
            await route.ContinueAsync(new() { Url = Regex.Replace(route.Request.Url, @"limit=\d+", "limit=2") });
        });
        await tab.GotoAsync("/");
        await tab.Locator(".card").Last.ScrollIntoViewIfNeededAsync();
        await Expect(tab.Locator(".card")).ToHaveCountAsync(all.Length);
        await Expect(tab.Locator("#load-more")).ToBeHiddenAsync();
        var shown = await tab.Locator(".card").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.id)");
        Assert.Equal(all, shown);
        Assert.True(pages >= (all.Length + 1) / 2, $"only {pages} page requests for {all.Length} images");
    }

    [Fact]
    public async Task A_search_narrows_the_gallery_lives_in_the_address_and_survives_a_reload()
    {
        var nikon = (await browser.Api.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
        var other = (await browser.Api.UploadImageAsync(TestData.Distinct("exif-landscape-2.jpg"))).Id();
        await browser.Api.WaitUntilFinishedAsync(nikon);
        await browser.Api.WaitUntilFinishedAsync(other);

        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync();
        await Expect(tab.Card(other)).ToBeVisibleAsync();
        await tab.Locator("#q").FillAsync("COOLPIX");
        await tab.Locator("#q").PressAsync("Enter");

        await Expect(tab.Page).ToHaveURLAsync(new Regex(@"/\?q=COOLPIX$"));
        await Expect(tab.Card(nikon)).ToBeVisibleAsync();
        await Expect(tab.Card(other)).ToHaveCountAsync(0);
        await Expect(tab.Locator("#gallery-status")).ToContainTextAsync("found");

        await tab.Page.ReloadAsync();
        await tab.WaitForGalleryAsync();
        await Expect(tab.Locator("#q")).ToHaveValueAsync("COOLPIX");
        await Expect(tab.Card(nikon)).ToBeVisibleAsync();
        await Expect(tab.Card(other)).ToHaveCountAsync(0);

        await tab.Locator("#state").SelectOptionAsync("failed");
        await Expect(tab.Page).ToHaveURLAsync(new Regex(@"/\?q=COOLPIX&state=failed$"));
        await Expect(tab.Locator("#gallery-status")).ToHaveTextAsync("No images match this search.");
        await Expect(tab.Locator(".card")).ToHaveCountAsync(0);

        await tab.Page.GoBackAsync();
        await Expect(tab.Locator("#state")).ToHaveValueAsync("");
        await Expect(tab.Card(nikon)).ToBeVisibleAsync();
    }
}
