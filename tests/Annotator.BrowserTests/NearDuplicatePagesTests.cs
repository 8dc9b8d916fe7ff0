using System.Text.Json.Nodes;
using Annotator.Testing;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>Near-duplicates on the pages: the image page's similar photos, the gallery's filter and its total.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NearDuplicatePagesTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task The_image_page_links_the_same_photo_in_another_orientation_and_the_gallery_filters_and_counts_them()
    {
        // One photo stored upright and stored turned with an EXIF orientation: other bytes, the same picture.
        var upright = (await browser.Api.UploadImageAsync(TestData.Distinct("exif-landscape-2.jpg"), "pier-upright.jpg")).Id();
        var turned = (await browser.Api.UploadImageAsync(TestData.Distinct("exif-landscape-5.jpg"), "pier-turned.jpg")).Id();
        await browser.Api.WaitUntilFinishedAsync(upright);
        await browser.Api.WaitUntilFinishedAsync(turned);
        await using var tab = await browser.NewPageAsync(output);

        await tab.GotoAsync($"/images/{upright}");
        var similar = tab.Locator("#similar-section");
        await Expect(similar).ToBeVisibleAsync();
        await Expect(similar.Locator($"a[href='/images/{turned}']")).ToContainTextAsync("pier-turned.jpg");

        await tab.GotoAsync("/?similar=true");
        await Expect(tab.Locator("#similar")).ToBeCheckedAsync();
        await Expect(tab.Locator($".card[data-id='{upright}']")).ToBeVisibleAsync();
        await Expect(tab.Locator($".card[data-id='{turned}']")).ToBeVisibleAsync();
        // The status names the server's total for the filter, not the cards loaded so far.
        var count = (long)JsonNode.Parse(await browser.Api.GetStringAsync("api/images/count?similar=true"))!["count"]!;
        await Expect(tab.Locator("#gallery-status")).ToHaveTextAsync($"{count} images found");
        await tab.ScreenshotAsync("near-duplicates-filter.png");
    }
}
