using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>
/// A page under test with what a person would notice going wrong: uncaught script errors, blocked
/// content (Content-Security-Policy violations) and dialogs. <see cref="DisposeAsync"/> fails the
/// test if any script error or CSP violation happened.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ITestOutputHelper _output;
    private readonly List<string> _problems = [];
    private readonly Func<string?> _serverDeath;

    public IPage Page { get; }
    public List<string> Dialogs { get; } = [];

    private BrowserPage(IBrowserContext context, IPage page, ITestOutputHelper output, Func<string?> serverDeath)
    {
        _serverDeath = serverDeath;
        _context = context;
        Page = page;
        _output = output;
    }

    public static async Task<BrowserPage> WatchAsync(IBrowserContext context, IPage page, ITestOutputHelper output, Func<string?> serverDeath)
    {
        var watched = new BrowserPage(context, page, output, serverDeath);
        page.PageError += (_, error) => watched.Problem("script error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error") watched.Log("console error: " + message.Text);
        };
        page.Dialog += async (_, dialog) =>
        {
            lock (watched.Dialogs) watched.Dialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
        // Added through the DevTools protocol, so the page's own CSP does not apply to it.
        await page.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e => {
              console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
            });
            """);
        page.Console += (_, message) =>
        {
            if (message.Text.StartsWith("CSP violation", StringComparison.Ordinal)) watched.Problem(message.Text);
        };
        return watched;
    }

    public ILocator Locator(string selector) => Page.Locator(selector);

    public async Task GotoAsync(string path)
    {
        var response = await Page.GotoAsync(path);
        Assert.True(response is { Ok: true }, $"GET {path} answered {response?.Status}");
    }

    /// <summary>The gallery at /, with its first page shown and the live stream connected.</summary>
    public async Task OpenGalleryAsync(string path = "/")
    {
        await GotoAsync(path);
        await WaitForGalleryAsync();
    }

    public async Task WaitForGalleryAsync()
    {
        await Expect(Locator("#grid")).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(Locator("#live-status")).ToHaveAttributeAsync("data-live", "open");
        await WaitForAccountAsync();
    }

    /// <summary>
    /// Waits until the header shows who is signed in: <c>/api/auth/me</c> has answered and the page has shown the
    /// controls the account's rights allow (they start hidden), so a test sees them rather than racing them.
    /// </summary>
    public async Task WaitForAccountAsync() => await Expect(Locator("#account")).ToBeVisibleAsync();

    public ILocator Card(string id) => Locator($".card[data-id=\"{id}\"]");

    public ILocator UploadRow(string fileName) =>
        Locator(".upload-row").Filter(new() { Has = Page.Locator(".upload-name", new() { HasTextString = fileName }) });

    /// <summary>Waits for the upload row of this file to say it was accepted, and returns the new image's id.</summary>
    public async Task<string> UploadedIdAsync(string fileName)
    {
        var row = UploadRow(fileName);
        await Expect(row).ToHaveAttributeAsync("data-status", "done");
        return await row.GetAttributeAsync("data-image-id") ?? throw new InvalidOperationException("the row has no image id");
    }

    /// <summary>Waits until the image matched by <paramref name="selector"/> has really loaded (natural size known).</summary>
    public async Task<(int Width, int Height)> WaitForLoadedImageAsync(string selector)
    {
        await Page.WaitForFunctionAsync(
            "selector => { const img = document.querySelector(selector); return !!img && img.complete && img.naturalWidth > 0; }",
            selector, new() { Timeout = BrowserFixture.PatienceMs, PollingInterval = 100 });
        var size = await Page.EvaluateAsync<int[]>(
            "selector => { const img = document.querySelector(selector); return [img.naturalWidth, img.naturalHeight]; }", selector);
        return (size[0], size[1]);
    }

    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(BrowserFixture.ScreenshotDirectory, name);
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        Log("screenshot: " + path);
        return path;
    }

    public void Log(string line)
    {
        try { _output.WriteLine(line); }
        catch (InvalidOperationException) { /* the test has already finished */ }
    }

    private void Problem(string text)
    {
        lock (_problems) _problems.Add(text);
        Log(text);
    }

    public async ValueTask DisposeAsync()
    {
        // When the server died under the page, that is the story, not the page's timeouts.
        if (_serverDeath() is { } death) Log(death);
        await _context.CloseAsync();
        lock (_problems) Assert.True(_problems.Count == 0, "The page had problems:\n" + string.Join("\n", _problems));
    }
}
