using System.Text.Json.Nodes;
using Annotator.Testing;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>
/// Review from the pages: the review queue (/review) driven by its keys, and the gallery's review labels and bulk
/// acceptance of ticked cards, shown live. Each test's images carry a word of their own in their names, and its pages
/// search for it, so images other tests leave on the shared server stay out of its queue.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReviewPageTests(BrowserFixture browser, ITestOutputHelper output)
{
    private async Task<string[]> UploadAsync(string word, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = (await browser.Api.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"), $"{word}-{i}.jpg")).Id();
            await browser.Api.WaitUntilFinishedAsync(id);
            ids.Add(id);
        }
        return [.. ids];
    }

    private async Task<JsonNode?> AnnotationAsync(string id) => (await browser.Api.GetImageAsync(id))!["annotation"];

    [Fact]
    public async Task The_queue_takes_accept_edit_reject_skip_and_back_from_the_keyboard_and_counts_what_is_left()
    {
        var word = "rq" + Guid.NewGuid().ToString("N")[..8];
        var ids = (await UploadAsync(word, 4)).Reverse().ToArray(); // the queue runs newest first
        await using var tab = await browser.NewPageAsync(output);
        await tab.GotoAsync($"/review?q={word}");

        await Expect(tab.Locator("#review-counter")).ToHaveTextAsync("4 left");
        await Expect(tab.Locator("#review-link")).ToHaveTextAsync($"{word}-3.jpg");
        await Expect(tab.Locator("#prediction-text")).ToContainTextAsync("NIKON COOLPIX P6000");
        await Expect(tab.Locator(".review-keys")).ToContainTextAsync("accept");
        await tab.WaitForLoadedImageAsync("#review-figure img.review-img");

        await tab.Page.Keyboard.PressAsync("a");
        await Expect(tab.Locator("#review-link")).ToHaveTextAsync($"{word}-2.jpg");
        await Expect(tab.Locator("#review-counter")).ToHaveTextAsync("3 left · 1 reviewed here");

        await tab.Page.Keyboard.PressAsync("e");
        await Expect(tab.Locator("#edit-text")).ToBeFocusedAsync();
        await tab.Locator("#edit-text").FillAsync("A rocky coast under a grey sky.");
        await tab.Locator("#edit-tags").FillAsync("coast, Sky");
        await tab.Locator("#edit-text").PressAsync("Enter");
        await Expect(tab.Locator("#review-link")).ToHaveTextAsync($"{word}-1.jpg");

        await tab.Page.Keyboard.PressAsync("s");
        await Expect(tab.Locator("#review-link")).ToHaveTextAsync($"{word}-0.jpg");
        await tab.Page.Keyboard.PressAsync("Shift+R");
        await tab.Locator("#reject-reason").FillAsync("not a coast");
        await tab.Locator("#reject-reason").PressAsync("Enter");
        await Expect(tab.Locator("#review-empty")).ToHaveTextAsync("Nothing left to review here.");
        await Expect(tab.Locator("#review-counter")).ToHaveTextAsync("0 left · 3 reviewed here");

        await tab.Page.Keyboard.PressAsync("b");
        await Expect(tab.Locator("#review-link")).ToHaveTextAsync($"{word}-0.jpg");
        await Expect(tab.Locator("#review-status")).ToContainTextAsync("Rejected by admin");
        await tab.ScreenshotAsync("review-queue.png");

        // The page moves on before the server answers: the last review is stored a moment later.
        var deadline = DateTime.UtcNow + BrowserFixture.Patience;
        while ((string?)(await AnnotationAsync(ids[3]))?["reason"] != "not a coast" && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal("not a coast", (string?)(await AnnotationAsync(ids[3]))!["reason"]);
        Assert.Equal("accepted", (string?)(await AnnotationAsync(ids[0]))!["status"]);
        var edited = (await AnnotationAsync(ids[1]))!;
        Assert.Equal(("edited", "A rocky coast under a grey sky."), ((string?)edited["status"], (string?)edited["text"]));
        Assert.Equal(["coast", "sky"], edited["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Null(await AnnotationAsync(ids[2])); // skipped
    }

    [Fact]
    public async Task Ticked_cards_are_accepted_together_and_every_open_gallery_shows_it_live()
    {
        var word = "rg" + Guid.NewGuid().ToString("N")[..8];
        var ids = await UploadAsync(word, 2);
        await using var watcher = await browser.NewPageAsync(output);
        await watcher.OpenGalleryAsync($"/?q={word}");
        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync($"/?q={word}&review=unreviewed");
        await Expect(tab.Locator(".card")).ToHaveCountAsync(2);

        foreach (var id in ids) await tab.Card(id).Locator(".card-select").CheckAsync();
        await Expect(tab.Locator("#selection-count")).ToHaveTextAsync("2 selected");
        await tab.Locator("#accept-selected").ClickAsync();

        await Expect(tab.Locator("#flash")).ToHaveTextAsync("Accepted 2 captions.");
        foreach (var id in ids)
        {
            await Expect(watcher.Card(id).Locator(".review-label")).ToHaveTextAsync("accepted");
            Assert.Equal("accepted", (string?)(await AnnotationAsync(id))!["status"]);
        }
        await Expect(tab.Locator("#selection-bar")).ToBeHiddenAsync();
    }
}
