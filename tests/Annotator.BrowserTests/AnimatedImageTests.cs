using System.Text.RegularExpressions;
using Annotator.Testing;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>An animated image's thumbnail and preview are its first frame; the card and the page say there is more.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AnimatedImageTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task An_animated_gif_is_badged_with_its_frames_on_its_card_and_page_and_a_photo_is_not()
    {
        var gif = (await browser.Api.UploadImageAsync(TestData.Image("animated.gif"))).Id();
        var photo = (await browser.Api.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync();

        await Expect(tab.Card(gif).Locator(".animation-badge")).ToHaveTextAsync("GIF · 3 frames");
        await Expect(tab.Card(gif).Locator(".animation-badge")).ToBeVisibleAsync();
        await Expect(tab.Card(photo).Locator(".badge")).ToHaveTextAsync("Done");
        await Expect(tab.Card(photo).Locator(".animation-badge")).ToBeHiddenAsync();
        await tab.WaitForLoadedImageAsync($".card[data-id=\"{gif}\"] img.thumb-img");
        await tab.ScreenshotAsync("gallery-animated.png");

        await tab.GotoAsync($"/images/{gif}");
        var animation = tab.Locator("#file-facts .fact")
            .Filter(new() { Has = tab.Page.Locator("dt", new() { HasTextRegex = new Regex("^Animation$") }) }).Locator("dd");
        await Expect(animation).ToContainTextAsync("GIF · 3 frames");
        // The preview is a still: clicking it opens the original, which plays.
        await tab.WaitForLoadedImageAsync("#preview img");
        await Expect(tab.Locator("#preview a.preview-link")).ToHaveAttributeAsync("href", $"/api/images/{gif}/original");
    }
}
