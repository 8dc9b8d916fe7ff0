using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Access;

/// <summary>
/// Browser sessions: signing out ends the session (a replayed cookie too), an admin can end a user's sessions, a role
/// change or a disabled account counts at the next request, and the cookie is HttpOnly, SameSite=Lax, Secure behind HTTPS.
/// </summary>
public sealed class SessionTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private const string Password = "a long enough password";
    private Uri BaseAddress => fixture.Server.BaseAddress;

    [Fact]
    public async Task Signing_out_ends_the_session_even_for_a_replayed_cookie()
    {
        var name = NewName("out");
        await fixture.Admin.AddUserAsync(name, Password, "viewer");
        using var browser = AccessApi.SessionClient(BaseAddress);
        using var login = await browser.LoginAsync(name, Password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var me = (await login.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(name, (string?)me["userName"]);
        Assert.Equal("viewer", (string?)me["role"]);
        var cookie = SessionCookie(login);
        Assert.Equal("session", (string?)(await browser.GetFromJsonAsync<JsonObject>("api/auth/me"))!["via"]);

        using var logout = await browser.PostAsync("api/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var after = await browser.GetAsync("api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var replayed = await WithCookie(cookie).GetAsync("api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_or_an_unknown_name_is_a_401_problem_that_says_neither_which()
    {
        var name = NewName("wrong");
        await fixture.Admin.AddUserAsync(name, Password, "viewer");
        using var browser = AccessApi.SessionClient(BaseAddress);

        using var wrongPassword = await browser.LoginAsync(name, Password + "!");
        using var unknownName = await browser.LoginAsync(NewName("nobody"), Password);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownName.StatusCode);
        Assert.Equal((string?)(await wrongPassword.ProblemAsync())["detail"], (string?)(await unknownName.ProblemAsync())["detail"]);
        Assert.False(wrongPassword.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task An_admin_ending_a_users_sessions_signs_out_every_browser_of_it_at_once()
    {
        var name = NewName("ended");
        var id = await fixture.Admin.AddUserAsync(name, Password, "editor");
        using var laptop = AccessApi.SessionClient(BaseAddress);
        using var phone = AccessApi.SessionClient(BaseAddress);
        await laptop.SignInAsync(name, Password);
        await phone.SignInAsync(name, Password);
        using var other = AccessApi.SessionClient(BaseAddress);
        var otherName = NewName("stays");
        await fixture.Admin.AddUserAsync(otherName, Password, "editor");
        await other.SignInAsync(otherName, Password);

        using var response = await fixture.Admin.DeleteAsync($"api/users/{id}/sessions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["ended"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("api/images")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("api/images")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("api/images")).StatusCode);
    }

    [Fact]
    public async Task A_role_change_counts_at_the_next_request_without_signing_in_again()
    {
        var (id, browser) = await fixture.Admin.SignedInAsAsync(BaseAddress, "viewer");
        using (browser)
        {
            var retry = $"api/images/{AccessMatrix.AnyImage}/retry";
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync(retry, null)).StatusCode);

            (await fixture.Admin.PatchAsJsonAsync($"api/users/{id}", new { role = "editor" })).EnsureSuccessStatusCode();

            var me = (await browser.GetFromJsonAsync<JsonObject>("api/auth/me"))!;
            Assert.Equal("editor", (string?)me["role"]);
            Assert.Equal(["read", "upload", "write"], me["rights"]!.AsArray().Select(r => (string)r!).ToArray());
            Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync(retry, null)).StatusCode);

            (await fixture.Admin.PatchAsJsonAsync($"api/users/{id}", new { role = "viewer" })).EnsureSuccessStatusCode();

            Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync(retry, null)).StatusCode);
        }
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_and_its_session_and_token_stop_working()
    {
        var name = NewName("disabled");
        var id = await fixture.Admin.AddUserAsync(name, Password, "editor");
        using var browser = AccessApi.SessionClient(BaseAddress);
        await browser.SignInAsync(name, Password);
        using var script = AccessApi.ClientWith(BaseAddress, await browser.MakeTokenAsync(["read"]));
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("api/images")).StatusCode);

        (await fixture.Admin.PatchAsJsonAsync($"api/users/{id}", new { disabled = true })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("api/images")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("api/images")).StatusCode);
        using var again = await AccessApi.SessionClient(BaseAddress).LoginAsync(name, Password);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);

        (await fixture.Admin.PatchAsJsonAsync($"api/users/{id}", new { disabled = false })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("api/images")).StatusCode);
        using var enabled = await AccessApi.SessionClient(BaseAddress).LoginAsync(name, Password);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
    }

    [Fact]
    public async Task The_cookie_is_http_only_and_same_site_lax_and_not_secure_over_plain_http()
    {
        using var response = await Login(forwardedProto: null);

        var attributes = CookieAttributes(response);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.DoesNotContain("secure", attributes);
    }

    [Fact]
    public async Task The_cookie_is_secure_when_a_trusted_proxy_says_the_request_came_over_https()
    {
        using var response = await Login(forwardedProto: "https");

        var attributes = CookieAttributes(response);
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
    }

    private async Task<HttpResponseMessage> Login(string? forwardedProto) =>
        await LoginThrough(BaseAddress, AnnotatorProcess.AdminUser, AnnotatorProcess.AdminPassword, forwardedProto);

    /// <summary>A sign-in as if through a proxy that forwards the scheme (from loopback, the default trusted proxy).</summary>
    public static async Task<HttpResponseMessage> LoginThrough(Uri baseAddress, string userName, string password, string? forwardedProto)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = baseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = JsonContent.Create(new { userName, password }) };
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    [Fact]
    public async Task Signing_in_again_on_a_browser_whose_session_ended_or_is_someone_elses_makes_a_new_session()
    {
        var first = NewName("first");
        var second = NewName("second");
        var firstId = await fixture.Admin.AddUserAsync(first, Password, "viewer");
        await fixture.Admin.AddUserAsync(second, Password, "editor");
        using var browser = AccessApi.SessionClient(BaseAddress);
        await browser.SignInAsync(first, Password);
        using var ended = await fixture.Admin.DeleteAsync($"api/users/{firstId}/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("api/auth/me")).StatusCode);

        await browser.SignInAsync(first, Password); // with the dead session's cookie still in the jar
        Assert.Equal(first, (string?)(await browser.GetFromJsonAsync<JsonObject>("api/auth/me"))!["userName"]);

        await browser.SignInAsync(second, Password); // another person at the same browser, without signing out
        Assert.Equal(second, (string?)(await browser.GetFromJsonAsync<JsonObject>("api/auth/me"))!["userName"]);
    }

    [Fact]
    public async Task Changing_my_password_needs_the_current_one_and_signs_out_my_other_browsers()
    {
        var name = NewName("pw");
        var id = await fixture.Admin.AddUserAsync(name, Password, "editor");
        using var here = AccessApi.SessionClient(BaseAddress);
        await here.SignInAsync(name, Password);
        using var elsewhere = AccessApi.SessionClient(BaseAddress);
        await elsewhere.SignInAsync(name, Password);

        using var wrong = await here.PostAsJsonAsync("api/auth/password", new { currentPassword = "not my password", newPassword = "a brand new password" });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        using var tooShort = await here.PostAsJsonAsync("api/auth/password", new { currentPassword = Password, newPassword = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);

        using var changed = await here.PostAsJsonAsync("api/auth/password", new { currentPassword = Password, newPassword = "a brand new password" });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("api/auth/me")).StatusCode); // this browser stays signed in
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("api/auth/me")).StatusCode);
        using var fresh = AccessApi.SessionClient(BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.LoginAsync(name, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fresh.LoginAsync(name, "a brand new password")).StatusCode);
        var audit = await fixture.Admin.GetStringAsync($"api/audit?target={id}");
        Assert.Contains("user.password", audit);
        Assert.DoesNotContain("a brand new password", audit);
    }

    /// <summary>The session cookie's attributes, lower case (httponly, samesite=lax, secure, path=/ …).</summary>
    public static string[] CookieAttributes(HttpResponseMessage response)
    {
        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"), h => h.StartsWith("annotator.session="));
        return [.. header.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant())];
    }

    /// <summary>The session cookie's value as a browser would store it.</summary>
    public static string SessionCookie(HttpResponseMessage response)
    {
        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"), h => h.StartsWith("annotator.session="));
        return header.Split(';')[0]["annotator.session=".Length..];
    }

    private HttpClient WithCookie(string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", $"annotator.session={cookie}");
        return client;
    }

    private static string NewName(string what) => $"{what}-{Guid.NewGuid():N}"[..20];
}

/// <summary>A client that claims HTTPS from an address the server does not trust as a proxy is not believed.</summary>
public sealed class UntrustedProxyTests
{
    [Fact]
    public async Task X_forwarded_proto_from_an_untrusted_address_does_not_make_the_cookie_secure()
    {
        // TEST-NET-1: a network this machine is not on, so loopback is not trusted.
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Server:TrustedProxies"] = "192.0.2.0/24" });

        using var response = await SessionTests.LoginThrough(server.BaseAddress, AnnotatorProcess.AdminUser, AnnotatorProcess.AdminPassword, "https");

        Assert.DoesNotContain("secure", SessionTests.CookieAttributes(response));
    }
}

/// <summary>Sessions are kept in the catalog with the key ring: a restarted server still knows a signed-in browser.</summary>
public sealed class SessionRestartTests
{
    [Fact]
    public async Task A_session_survives_a_server_restart()
    {
        await using var first = await AnnotatorProcess.StartAsync();
        using var login = await SessionTests.LoginThrough(first.BaseAddress, AnnotatorProcess.AdminUser, AnnotatorProcess.AdminPassword, null);
        var cookie = SessionTests.SessionCookie(login);
        first.Kill();

        await using var second = await first.StartAgainAsync();
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = second.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", $"annotator.session={cookie}");
        var me = (await client.GetFromJsonAsync<JsonObject>("api/auth/me"))!;

        Assert.Equal(AnnotatorProcess.AdminUser, (string?)me["userName"]);
        Assert.Equal("session", (string?)me["via"]);
    }
}
