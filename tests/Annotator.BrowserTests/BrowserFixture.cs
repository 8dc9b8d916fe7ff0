using Annotator.Testing;
using Microsoft.Playwright;

namespace Annotator.BrowserTests;

/// <summary>
/// One real server (a child process with a throw-away data folder) and one headless Chromium for all
/// browser tests; each test gets its own browser context (cookies, storage) and page.
/// Chromium is the system's (Debian's <c>chromium</c> package): Playwright never downloads a browser.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    public const float PatienceMs = 60_000;

    /// <summary>Flags that keep Chromium off the network: this machine has no internet, and tests need none.</summary>
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    public AnnotatorProcess Server { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The REST API of the shared server, for arranging what a test needs.</summary>
    public HttpClient Api
    {
        get
        {
            EnsureServerRuns();
            return Server.Client;
        }
    }

    /// <summary>If the shared server died, every later test fails; this says why, with its output.</summary>
    private void EnsureServerRuns()
    {
        if (ServerDeath() is { } death) throw new InvalidOperationException(death);
    }

    /// <summary>Null while the server runs; once it has ended, how (exit code) and everything it printed.</summary>
    public string? ServerDeath() => Server.HasExited
        ? $"The shared server process has ended (exit code {Server.ExitCode}). Its output:\n{Server.Output}"
        : null;

    public static string ChromiumPath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("ANNOTATOR_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"Chromium not found at {path}: install it with 'apt-get install -y chromium' or set ANNOTATOR_CHROMIUM.");
        }
    }

    /// <summary>Where screenshots go: $ANNOTATOR_ARTIFACTS/screenshots, else TestResults/screenshots in the output folder.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("ANNOTATOR_ARTIFACTS") is { Length: > 0 } artifacts
                ? artifacts
                : Path.Combine(AppContext.BaseDirectory, "TestResults");
            return Directory.CreateDirectory(Path.Combine(root, "screenshots")).FullName;
        }
    }

    public async Task InitializeAsync()
    {
        var chromium = ChromiumPath;
        var server = AnnotatorProcess.StartAsync();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = PatienceMs,
        });
        Server = await server;
        Assertions.SetDefaultExpectTimeout(PatienceMs);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
    }

    /// <summary>
    /// A fresh context and page on the shared server (or on <paramref name="server"/>, a test class's own),
    /// watching for script errors and CSP violations, signed in as the admin unless <paramref name="signIn"/> names
    /// another account (user name, password) or is <see cref="SignedOut"/>.
    /// </summary>
    public async Task<BrowserPage> NewPageAsync(
        ITestOutputHelper output, BrowserNewContextOptions? options = null, AnnotatorProcess? server = null, (string User, string Password)? signIn = null)
    {
        Func<string?> death = ServerDeath;
        if (server is not null)
        {
            death = () => server.HasExited ? $"The server process has ended (exit code {server.ExitCode}). Its output:\n{server.Output}" : null;
            if (death() is { } dead) throw new InvalidOperationException(dead);
        }
        else
        {
            EnsureServerRuns();
        }
        server ??= Server;
        options ??= new();
        options.BaseURL = server.BaseAddress.ToString().TrimEnd('/');
        options.Locale ??= "en-US";
        options.TimezoneId ??= "UTC";
        options.ViewportSize ??= new ViewportSize { Width = 1280, Height = 900 };
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(PatienceMs);
        context.SetDefaultNavigationTimeout(PatienceMs);
        signIn ??= (AnnotatorProcess.AdminUser, AnnotatorProcess.AdminPassword);
        if (signIn != SignedOut)
        {
            // The context's request API shares the browser's cookie jar: the page starts signed in.
            var response = await context.APIRequest.PostAsync("/api/auth/login", new() { DataObject = new { userName = signIn.Value.User, password = signIn.Value.Password } });
            if (!response.Ok) throw new InvalidOperationException($"Sign-in as {signIn.Value.User} gave {response.Status}: {await response.TextAsync()}");
        }
        var page = await context.NewPageAsync();
        return await BrowserPage.WatchAsync(context, page, output, death);
    }

    /// <summary>For <see cref="NewPageAsync"/>: a browser with no session.</summary>
    public static readonly (string User, string Password) SignedOut = ("", "");
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
