using Annotator.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>User-controlled text is shown as text: a file name never becomes markup or script.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HostileInputTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string HostileName = "<script>alert(1)</script>.jpg";

    [Fact]
    public async Task A_file_named_like_a_script_is_shown_literally_and_never_runs()
    {
        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync();
        await tab.Locator("#file-input").SetInputFilesAsync(new FilePayload
        {
            Name = HostileName,
            MimeType = "image/jpeg",
            Buffer = await File.ReadAllBytesAsync(TestData.Distinct("phone-jolla.jpg")),
        });
        var id = await tab.UploadedIdAsync(HostileName);

        var card = tab.Card(id);
        await Expect(card.Locator(".card-link")).ToHaveTextAsync(HostileName);
        await Expect(card.Locator(".badge")).ToHaveTextAsync("Done");
        await Expect(tab.UploadRow(HostileName).Locator(".upload-name")).ToHaveTextAsync(HostileName);
        await AssertNoInjectedScriptAsync(tab);

        // The same on its own page (heading, title), where the name is shown again.
        await card.Locator(".card-link").ClickAsync();
        await Expect(tab.Locator("h1")).ToHaveTextAsync(HostileName);
        await Expect(tab.Page).ToHaveTitleAsync($"{HostileName} · Annotator");
        await AssertNoInjectedScriptAsync(tab);
        Assert.Empty(tab.Dialogs);
    }

    private static async Task AssertNoInjectedScriptAsync(BrowserPage tab)
    {
        // Only the page's own module script (with a src) may exist; nothing inline, nothing from the name.
        var inline = await tab.Page.EvaluateAsync<int>("() => document.querySelectorAll('script:not([src])').length");
        Assert.Equal(0, inline);
        var fromName = await tab.Page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert')).length");
        Assert.Equal(0, fromName);
        Assert.Empty(tab.Dialogs);
    }
}
