using System.IO.Compression;
using System.Net.Http.Json;
using Annotator.Testing;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>The gallery's "Export a dataset": the search shown as a ZIP, a progress bar, and the download once done.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ExportPageTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task An_export_started_from_the_gallery_shows_its_progress_and_downloads_the_kept_captions()
    {
        var word = "ex" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var id = (await browser.Api.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"), $"{word}-{i}.jpg")).Id();
            await browser.Api.WaitUntilFinishedAsync(id);
            ids.Add(id);
        }
        (await browser.Api.PutAsJsonAsync($"api/images/{ids[0]}/annotation", new { status = "edited", text = "A harbour at dusk." })).EnsureSuccessStatusCode();
        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync($"/?q={word}");

        await tab.Locator("#export-open").ClickAsync();
        await Expect(tab.Locator("#export-scope")).ToContainTextAsync($"accepted and edited images matching “{word}”");
        await tab.Locator("#export-format").SelectOptionAsync("jsonl");
        await tab.Locator("#export-start").ClickAsync();

        await Expect(tab.Locator("#export-status")).ToContainTextAsync("Done: 1 image");
        await Expect(tab.Locator("#export-bar")).ToHaveAttributeAsync("value", "1");
        var download = await tab.Page.RunAndWaitForDownloadAsync(() => tab.Locator("#export-download").ClickAsync());
        var saved = Path.Combine(Path.GetTempPath(), $"{word}.zip");
        await download.SaveAsAsync(saved);
        using var zip = ZipFile.OpenRead(saved);
        using var reader = new StreamReader(zip.GetEntry("data.jsonl")!.Open());
        var line = System.Text.Json.Nodes.JsonNode.Parse(await reader.ReadToEndAsync())!;
        Assert.Equal((ids[0], "A harbour at dusk."), ((string?)line["id"], (string?)line["text"]));
        Assert.NotNull(zip.GetEntry($"images/{ids[0]}.jpg"));
        await tab.ScreenshotAsync("export-panel.png");
        zip.Dispose();
        File.Delete(saved);
    }
}
