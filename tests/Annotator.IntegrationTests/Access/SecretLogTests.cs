using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Access;

/// <summary>What the server prints holds no password, token or session cookie, even at debug level; the setup code once.</summary>
public sealed class SecretLogTests
{
    [Fact]
    public async Task No_password_token_or_cookie_reaches_the_log()
    {
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string>
        {
            ["Annotator:Auth:AdminUser"] = "",
            ["Logging:LogLevel:Default"] = "Debug",
        });
        var link = await SetupTests.SetupLinkAsync(server);
        var code = Uri.UnescapeDataString(link.Query["?code=".Length..]);
        var secrets = new List<string>();
        const string ownerPassword = "owner's secret password";
        const string wrongPassword = "a wrong guess of a password";
        const string userPassword = "the user's secret password";
        const string newPassword = "the user's next secret password";
        secrets.AddRange([ownerPassword, wrongPassword, userPassword, newPassword]);

        var ownerCookies = new CookieContainer();
        using var owner = AccessApi.SessionClient(server.BaseAddress, ownerCookies);
        (await owner.PostAsJsonAsync("api/auth/setup", new { code, userName = "owner", password = ownerPassword })).EnsureSuccessStatusCode();
        secrets.AddRange(ownerCookies.GetCookies(server.BaseAddress).Select(c => c.Value));
        Assert.Equal(HttpStatusCode.Unauthorized, (await AccessApi.SessionClient(server.BaseAddress).LoginAsync("owner", wrongPassword)).StatusCode);
        var userId = await owner.AddUserAsync("user", userPassword, "editor");
        var userCookies = new CookieContainer();
        using var user = AccessApi.SessionClient(server.BaseAddress, userCookies);
        await user.SignInAsync("user", userPassword);
        secrets.AddRange(userCookies.GetCookies(server.BaseAddress).Select(c => c.Value));
        var token = await user.MakeTokenAsync(["read", "upload"]);
        secrets.Add(token);
        using var script = AccessApi.ClientWith(server.BaseAddress, token);
        (await script.GetAsync("api/images")).EnsureSuccessStatusCode();
        (await script.GetAsync("api/auth/me")).EnsureSuccessStatusCode();
        const string badToken = "ann_a-made-up-token-that-does-not-exist";
        secrets.Add(badToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AccessApi.ClientWith(server.BaseAddress, badToken).GetAsync("api/images")).StatusCode);
        (await owner.PatchAsJsonAsync($"api/users/{userId}", new { password = newPassword })).EnsureSuccessStatusCode();
        (await owner.DeleteAsync($"api/users/{userId}/sessions")).EnsureSuccessStatusCode();
        (await owner.PostAsync("api/auth/logout", null)).EnsureSuccessStatusCode();
        // The console logger writes from a queue: give it a moment (a late line could only hide a leak, never fail the test).
        await Task.Delay(500);

        var output = server.Output;
        Assert.Contains("No account yet", output);
        foreach (var secret in secrets)
            Assert.False(output.Contains(secret, StringComparison.Ordinal), $"the log holds a secret: {secret[..Math.Min(8, secret.Length)]}…");
        Assert.Equal(1, output.Split(code).Length - 1);
    }
}
