using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Annotator.Testing;
using Xunit.Abstractions;
using Annotator.Testing.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Annotator.IntegrationTests.Oidc;

/// <summary>One loopback provider and one Annotator server configured against it, for all the tests of the class.</summary>
public sealed class SingleSignOnServer : IAsyncLifetime
{
    public const string DisplayName = "Test Provider";

    public OidcProvider Provider { get; private set; } = null!;
    public AnnotatorProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await OidcProvider.StartAsync();
        Server = await StartServerAsync(Provider);
    }

    /// <summary>A server whose single sign-on is <paramref name="provider"/>, allowed back at its /signin-oidc once its port is known.</summary>
    public static async Task<AnnotatorProcess> StartServerAsync(OidcProvider provider, IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = Settings(provider);
        foreach (var (key, value) in more ?? new Dictionary<string, string>()) settings[key] = value;
        var server = await AnnotatorProcess.StartAsync(settings);
        provider.Client.AllowRedirectUri($"{server.BaseAddress}signin-oidc");
        return server;
    }

    public static Dictionary<string, string> Settings(OidcProvider provider) => new()
    {
        ["Annotator:Auth:Oidc:Authority"] = provider.Issuer.AbsoluteUri,
        ["Annotator:Auth:Oidc:ClientId"] = provider.Client.Id,
        ["Annotator:Auth:Oidc:ClientSecret"] = provider.Client.Secret,
        ["Annotator:Auth:Oidc:DisplayName"] = DisplayName,
        ["Annotator:Auth:Oidc:RequireHttpsMetadata"] = "false",
    };

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
    }
}

/// <summary>
/// Single sign-on end to end: a real server process, the loopback OpenID Connect provider of tests/Shared/Oidc, and a
/// "browser" that keeps cookies and follows redirects by hand between the two origins, as a person's browser would.
/// </summary>
public sealed class SingleSignOnTests(SingleSignOnServer fixture, ITestOutputHelper output) : IClassFixture<SingleSignOnServer>
{
    private OidcProvider Provider => fixture.Provider;
    private AnnotatorProcess Server => fixture.Server;

    private static OidcLogin Person(string role, string? name = null)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        name ??= $"sso-{id}";
        return new OidcLogin($"sub-{id}", $"Person {id}", $"{name}@example.test", role) { PreferredUsername = name };
    }

    [Fact]
    public async Task An_editor_login_makes_an_account_with_a_working_session_through_code_pkce_and_the_client_secret()
    {
        var person = Person("editor");
        Provider.SignInNext(person);
        using var browser = new SsoBrowser(Server, output);

        var end = await browser.SignInAsync("/");

        Assert.Equal(Server.BaseAddress, end.Uri);
        Assert.Equal(HttpStatusCode.OK, end.Status); // the gallery itself, not the sign-in page again
        var me = await browser.MeAsync();
        Assert.NotNull(me);
        Assert.Equal(person.PreferredUsername, (string?)me["userName"]);
        Assert.Equal("editor", (string?)me["role"]);
        Assert.True((bool)me["sso"]!);
        Assert.Equal("session", (string?)me["via"]);
        Assert.Contains(browser.ServerCookies(), c => c.Name == "annotator.session" && c.HttpOnly);
        // The session does what an editor may: read the gallery, and not what only an admin may.
        using (var images = await browser.Http.GetAsync("api/images")) Assert.Equal(HttpStatusCode.OK, images.StatusCode);
        using (var users = await browser.Http.GetAsync("api/users")) Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);

        // What the handler asked of the provider: the code flow, answered in the query, with PKCE S256 and a nonce.
        var asked = Provider.LastAuthorizationRequest!;
        Assert.Equal("code", asked.ResponseType);
        // Query is the code flow's default response mode, so the handler leaves response_mode out; what matters is
        // that the code came back in the query of a GET (a form_post would be a cross-site POST).
        Assert.Contains(asked["response_mode"], new[] { null, "query" });
        Assert.Contains(end.Hops, hop => hop.StartsWith($"{Server.BaseAddress}signin-oidc?code=", StringComparison.Ordinal));
        Assert.Equal($"{Server.BaseAddress}signin-oidc", asked.RedirectUri);
        Assert.Equal(Provider.Client.Id, asked.ClientId);
        Assert.Equal("S256", asked.CodeChallengeMethod);
        Assert.False(string.IsNullOrEmpty(asked.CodeChallenge));
        Assert.False(string.IsNullOrEmpty(asked.Nonce));
        Assert.False(string.IsNullOrEmpty(asked.State));
        Assert.Contains("openid", asked.Scopes);
        // At the token endpoint: the client's secret, and the verifier of that very challenge.
        var exchange = Provider.TokenRequests[^1];
        Assert.Equal("authorization_code", exchange.GrantType);
        Assert.Contains(exchange.ClientAuthentication, new[] { "client_secret_post", "client_secret_basic" });
        Assert.Equal(asked.CodeChallenge, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(exchange.CodeVerifier!))));
        Assert.Equal(asked.RedirectUri, exchange.RedirectUri);
        // The ID token it accepted carried the nonce it sent.
        Assert.Equal(asked.Nonce, new JsonWebToken(Provider.IssuedIdTokens[^1]).GetClaim("nonce").Value);

        // The account, as an admin sees it.
        var account = await AccountAsync(person.PreferredUsername!);
        Assert.NotNull(account);
        Assert.Equal((string?)me["id"], (string?)account["id"]);
        Assert.True((bool)account["sso"]!);
        Assert.False((bool)account["disabled"]!);

        // Signing out ends the session.
        using (var signOut = await browser.Http.PostAsync("api/auth/logout", null)) Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Null(await browser.MeAsync());
    }

    [Fact]
    public async Task The_same_subject_signs_into_the_same_account_and_gets_the_role_the_provider_gives_now()
    {
        var first = Person("admin");
        Provider.SignInNext(first);
        using var adminBrowser = new SsoBrowser(Server, output);
        await adminBrowser.SignInAsync("/");
        var asAdmin = await adminBrowser.MeAsync();
        Assert.Equal("admin", (string?)asAdmin?["role"]);

        // Same subject, another browser; the provider now says viewer (and the person's display name changed).
        Provider.SignInNext(first with { Roles = ["viewer"], Name = "Renamed Person" });
        using var viewerBrowser = new SsoBrowser(Server, output);
        await viewerBrowser.SignInAsync("/");
        var asViewer = await viewerBrowser.MeAsync();

        Assert.NotNull(asViewer);
        Assert.Equal((string?)asAdmin!["id"], (string?)asViewer["id"]);
        Assert.Equal(first.PreferredUsername, (string?)asViewer["userName"]); // found, not made again as "name-2"
        Assert.Equal("viewer", (string?)asViewer["role"]);
        Assert.Single(await AccountsAsync(), a => ((string?)a!["userName"])!.StartsWith(first.PreferredUsername!, StringComparison.Ordinal));
        // The first browser's session is the same account, so it is a viewer now too (the principal is rebuilt from the account).
        Assert.Equal("viewer", (string?)(await adminBrowser.MeAsync())?["role"]);
        using var users = await adminBrowser.Http.GetAsync("api/users");
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
    }

    [Fact]
    public async Task A_refused_login_comes_back_to_the_sign_in_page_with_one_line_and_no_session()
    {
        Provider.RefuseNext();
        using var browser = new SsoBrowser(Server, output);

        var end = await browser.SignInAsync("/tokens");

        var error = SignInError(end);
        Assert.StartsWith($"{SingleSignOnServer.DisplayName}: ", error);
        Assert.Contains("access_denied", error);
        Assert.Contains("The user refused to sign in.", error); // the provider's own words
        Assert.DoesNotContain("error_uri", error); // not the handler's "Message contains error: …" wrapping
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task An_expired_id_token_is_refused_with_one_line_and_no_account_is_made()
    {
        var person = Person("editor");
        Provider.SignInNext(person.WithExpiredIdToken());
        using var browser = new SsoBrowser(Server, output);
        var exchanges = Provider.TokenRequests.Count;

        var end = await browser.SignInAsync("/");

        var error = SignInError(end);
        Assert.StartsWith($"{SingleSignOnServer.DisplayName}: ", error);
        Assert.Contains("expired", error);
        Assert.DoesNotContain("PII", error);
        Assert.Equal(exchanges + 1, Provider.TokenRequests.Count); // refused for the token it got, not before
        await AssertSignedOutAsync(browser);
        Assert.Null(await AccountAsync(person.PreferredUsername!));
    }

    [Fact]
    public async Task A_person_with_no_mapped_role_is_refused_unless_there_is_a_default_role()
    {
        var person = Person("annotator.nobody");
        Provider.SignInNext(person);
        using var browser = new SsoBrowser(Server, output);

        var end = await browser.SignInAsync("/");

        var error = SignInError(end);
        Assert.Contains("no Annotator role", error);
        Assert.Contains("'roles'", error);
        await AssertSignedOutAsync(browser);
        Assert.Null(await AccountAsync(person.PreferredUsername!));

        // A server with DefaultRole=viewer lets the same person in, as a viewer.
        await using var lenient = await SingleSignOnServer.StartServerAsync(Provider, new Dictionary<string, string>
        {
            ["Annotator:Auth:Oidc:DefaultRole"] = "viewer",
        });
        Provider.SignInNext(person);
        using var again = new SsoBrowser(lenient, output);
        var landed = await again.SignInAsync("/");
        Assert.Equal(lenient.BaseAddress, landed.Uri);
        var me = await again.MeAsync();
        Assert.Equal("viewer", (string?)me?["role"]);
        Assert.Equal(person.PreferredUsername, (string?)me?["userName"]);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_by_single_sign_on()
    {
        var person = Person("editor");
        Provider.SignInNext(person);
        using var before = new SsoBrowser(Server, output);
        await before.SignInAsync("/");
        var id = (string?)(await before.MeAsync())?["id"];
        Assert.NotNull(id);

        using (var disable = await Server.Client.PatchAsJsonAsync($"api/users/{id}", new { disabled = true }))
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Provider.SignInNext(person);
        using var after = new SsoBrowser(Server, output);
        var end = await after.SignInAsync("/");

        Assert.Contains("disabled", SignInError(end));
        await AssertSignedOutAsync(after);
        Assert.Null(await before.MeAsync()); // and the session it had ended with it
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/\t/evil.example")] // a browser drops the tab: "//evil.example"
    [InlineData("javascript:alert(1)")]
    public async Task A_return_url_of_another_site_is_not_followed_after_sign_in(string returnUrl)
    {
        Provider.SignInNext(Person("viewer"));
        using var browser = new SsoBrowser(Server, output);

        var end = await browser.SignInAsync(returnUrl);

        Assert.Equal(Server.BaseAddress, end.Uri);
        Assert.Equal("/", end.CallbackLocation);
        Assert.DoesNotContain(end.Hops.Skip(1), hop => hop.Contains("evil.example", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("viewer", (string?)(await browser.MeAsync())?["role"]);
    }

    [Fact]
    public async Task A_return_url_of_this_site_is_where_the_sign_in_ends()
    {
        Provider.SignInNext(Person("editor"));
        using var browser = new SsoBrowser(Server, output);

        var end = await browser.SignInAsync("/tokens?from=sso");

        Assert.Equal("/tokens?from=sso", end.CallbackLocation);
        Assert.Equal(new Uri(Server.BaseAddress, "/tokens?from=sso"), end.Uri);
        Assert.Equal(HttpStatusCode.OK, end.Status);
    }

    [Fact]
    public async Task The_sign_in_options_name_the_provider()
    {
        using var anonymous = Server.Anonymous();
        var options = await anonymous.GetFromJsonAsync<JsonNode>("api/auth/options");

        Assert.Equal(SingleSignOnServer.DisplayName, (string?)options!["sso"]!["name"]);
        Assert.Equal("/api/auth/sso?returnUrl=%2F", (string?)options["sso"]!["url"]);
    }

    public static TheoryData<string, string, string> WrongSettings => new()
    {
        { "Authority", "not a url", "Annotator:Auth:Oidc:Authority 'not a url' is not an http(s) URL of an OpenID Connect provider" },
        { "Authority", "ftp://login.example/", "Annotator:Auth:Oidc:Authority 'ftp://login.example/' is not an http(s) URL" },
        { "RequireHttpsMetadata", "true", "is not HTTPS: use the provider's HTTPS address" },
        { "ClientSecret", "", "Annotator:Auth:Oidc:ClientSecret (or ClientSecret_FILE) is required with an Authority" },
        { "ClientSecret_FILE", "/nonexistent/annotator-oidc-secret", "Annotator:Auth:Oidc:ClientSecret_FILE: cannot read '/nonexistent/annotator-oidc-secret'" },
        { "ClientId", "", "Annotator:Auth:Oidc:ClientId is required with an Authority" },
        { "DefaultRole", "owner", "Annotator:Auth:Oidc:DefaultRole 'owner' is not one of" },
    };

    [Theory]
    [MemberData(nameof(WrongSettings))]
    public async Task A_wrong_setting_stops_start_up_with_one_line(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string>
        {
            ["Annotator:Auth:Oidc:Authority"] = "http://127.0.0.1:9/",
            ["Annotator:Auth:Oidc:ClientId"] = "annotator",
            ["Annotator:Auth:Oidc:ClientSecret"] = "a-secret",
            ["Annotator:Auth:Oidc:RequireHttpsMetadata"] = "false",
        };
        settings[$"Annotator:Auth:Oidc:{key}"] = value;
        if (key == "ClientSecret_FILE") settings.Remove("Annotator:Auth:Oidc:ClientSecret");

        var (exitCode, text) = await AnnotatorProcess.RunToExitAsync(settings, TimeSpan.FromSeconds(90));

        var line = Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(2, exitCode);
        Assert.StartsWith("annotator: invalid configuration: Annotator:Auth:Oidc:", line);
        Assert.Contains(expected, line);
    }

    // ---- helpers ----

    private static string SignInError(SsoBrowser.Landing end)
    {
        Assert.Equal("/signin", end.Uri.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, end.Status);
        var error = QueryHelpers.ParseQuery(end.Uri.Query)["error"].ToString();
        Assert.False(string.IsNullOrWhiteSpace(error), $"no error in {end.Uri}");
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain('\r', error);
        return error;
    }

    private static async Task AssertSignedOutAsync(SsoBrowser browser)
    {
        Assert.Null(await browser.MeAsync());
        Assert.DoesNotContain(browser.ServerCookies(), c => c.Name == "annotator.session");
    }

    private async Task<JsonArray> AccountsAsync() => (await Server.Client.GetFromJsonAsync<JsonArray>("api/users"))!;

    private async Task<JsonNode?> AccountAsync(string userName) =>
        (await AccountsAsync()).FirstOrDefault(a => (string?)a!["userName"] == userName);
}

/// <summary>
/// What a browser does in a sign-in: keeps the cookies of both sites and follows each redirect itself (the client
/// follows none), so every hop can be seen.
/// </summary>
internal sealed class SsoBrowser(AnnotatorProcess server, ITestOutputHelper output) : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private HttpClient? _http;

    public HttpClient Http => _http ??= AccessApi.SessionClient(server.BaseAddress, _cookies);

    /// <param name="Uri">Where the browser ended (the first answer that is not a redirect).</param>
    /// <param name="CallbackLocation">Where the server's /signin-oidc sent it, as the Location header says.</param>
    /// <param name="Hops">Every address visited, in order.</param>
    public sealed record Landing(Uri Uri, HttpStatusCode Status, string? CallbackLocation, IReadOnlyList<string> Hops);

    /// <summary>Clicks "Sign in with …" (GET /api/auth/sso?returnUrl=) and follows the browser to wherever it ends.</summary>
    public async Task<Landing> SignInAsync(string returnUrl)
    {
        var uri = new Uri(server.BaseAddress, "api/auth/sso?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var hops = new List<string>();
        string? callbackLocation = null;
        for (var hop = 0; hop < 10; hop++)
        {
            hops.Add(uri.AbsoluteUri);
            using var response = await Http.GetAsync(uri);
            output.WriteLine($"GET {Short(uri.OriginalString)} → {(int)response.StatusCode} {Short(response.Headers.Location?.OriginalString)}");
            if ((int)response.StatusCode is < 300 or > 399) return new Landing(uri, response.StatusCode, callbackLocation, hops);
            var location = response.Headers.Location ?? throw new InvalidOperationException($"{uri} redirected nowhere");
            if (uri.AbsolutePath == "/signin-oidc" && IsServer(uri))
                callbackLocation = response.Headers.TryGetValues("Location", out var raw) ? raw.Single() : location.OriginalString;
            uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
            if (!uri.IsLoopback) // never fetch another site: a redirect there is the answer
            {
                hops.Add(uri.OriginalString);
                return new Landing(uri, response.StatusCode, callbackLocation, hops);
            }
        }
        throw new InvalidOperationException("More than 10 redirects: " + string.Join(" → ", hops));
    }

    /// <summary><c>GET /api/auth/me</c> with this browser's cookies, or null when it is signed out (401).</summary>
    public async Task<JsonNode?> MeAsync()
    {
        using var response = await Http.GetAsync("api/auth/me");
        if (response.StatusCode == HttpStatusCode.Unauthorized) return null;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    public IReadOnlyList<Cookie> ServerCookies() => [.. _cookies.GetCookies(server.BaseAddress).Cast<Cookie>().Where(c => !c.Expired)];

    private static string? Short(string? text) => text is { Length: > 160 } ? text[..160] + "…" : text;

    private bool IsServer(Uri uri) => uri.Authority == server.BaseAddress.Authority;

    public void Dispose() => _http?.Dispose();
}
