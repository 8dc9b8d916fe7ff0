using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Access;

/// <summary>
/// The first admin: a server with no account is closed to everyone but the sign-in and setup pages and health, and
/// logs a one-time setup link that makes the first admin once; or the admin comes from the settings (a password file).
/// </summary>
public sealed partial class SetupTests
{
    public static readonly IReadOnlyDictionary<string, string> NoAccount = new Dictionary<string, string> { ["Annotator:Auth:AdminUser"] = "" };
    private const string Password = "the first admin's password";

    [Fact]
    public async Task A_server_with_no_account_answers_401_everywhere_but_health_options_sign_in_and_setup()
    {
        await using var server = await AnnotatorProcess.StartAsync(NoAccount);
        using var anyone = AccessApi.SessionClient(server.BaseAddress);

        foreach (var endpoint in AccessMatrix.Endpoints)
        {
            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path);
            if (endpoint.Method is "POST" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            using var response = await anyone.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{endpoint}: {(int)response.StatusCode}");
        }
        foreach (var page in new[] { "", "tokens", "users" })
            Assert.Equal(HttpStatusCode.Redirect, (await anyone.GetAsync(page)).StatusCode);
        foreach (var open in new[] { "healthz", "readyz", "signin", "setup" })
            Assert.Equal(HttpStatusCode.OK, (await anyone.GetAsync(open)).StatusCode);
        var options = (await anyone.GetFromJsonAsync<JsonObject>("api/auth/options"))!;
        Assert.True((bool)options["setupNeeded"]!);
        // No default account: the usual guesses do not sign in.
        foreach (var (name, password) in new[] { ("admin", "admin"), ("admin", "password"), ("admin", "") })
            Assert.NotEqual(HttpStatusCode.OK, (await anyone.LoginAsync(name, password)).StatusCode);
    }

    [Fact]
    public async Task The_logged_setup_link_makes_the_first_admin_once()
    {
        await using var server = await AnnotatorProcess.StartAsync(NoAccount);
        var link = await SetupLinkAsync(server);
        Assert.StartsWith(server.BaseAddress.GetLeftPart(UriPartial.Authority) + "/setup?code=", link.ToString());
        var code = Uri.UnescapeDataString(link.Query["?code=".Length..]);
        using var browser = AccessApi.SessionClient(server.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(link.PathAndQuery.TrimStart('/'))).StatusCode);

        using var wrong = await browser.PostAsJsonAsync("api/auth/setup", new { code = code + "x", userName = "owner", password = Password });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        await wrong.ProblemAsync();

        using var made = await browser.PostAsJsonAsync("api/auth/setup", new { code, userName = "owner", password = Password });

        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var me = (await browser.GetFromJsonAsync<JsonObject>("api/auth/me"))!;
        Assert.Equal("owner", (string?)me["userName"]);
        Assert.Equal("admin", (string?)me["role"]);
        Assert.False((bool)(await browser.GetFromJsonAsync<JsonObject>("api/auth/options"))!["setupNeeded"]!);
        using var again = await AccessApi.SessionClient(server.BaseAddress).PostAsJsonAsync("api/auth/setup", new { code, userName = "intruder", password = Password });
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        using var intruder = await AccessApi.SessionClient(server.BaseAddress).LoginAsync("intruder", Password);
        Assert.Equal(HttpStatusCode.Unauthorized, intruder.StatusCode);
        using var owner = AccessApi.SessionClient(server.BaseAddress);
        await owner.SignInAsync("owner", Password);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("api/users")).StatusCode);
    }

    [Fact]
    public async Task The_unattended_admin_gets_its_password_from_a_file()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "a password kept in a file\n");
        try
        {
            await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string>
            {
                ["Annotator:Auth:AdminUser"] = "ops",
                ["Annotator:Auth:AdminPassword_FILE"] = file,
            });
            using var ops = AccessApi.SessionClient(server.BaseAddress);

            await ops.SignInAsync("ops", "a password kept in a file");

            Assert.Equal("admin", (string?)(await ops.GetFromJsonAsync<JsonObject>("api/auth/me"))!["role"]);
            Assert.False((bool)(await ops.GetFromJsonAsync<JsonObject>("api/auth/options"))!["setupNeeded"]!);
            Assert.DoesNotContain("/setup?code=", server.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_missing_password_file_stops_start_up_with_one_line()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-password-{Guid.NewGuid():N}");

        var (exitCode, output) = await AnnotatorProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Annotator:Auth:AdminUser"] = "ops",
            ["Annotator:Auth:AdminPassword_FILE"] = missing,
        }, TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"annotator: invalid configuration: Annotator:Auth:AdminPassword_FILE: cannot read '{missing}'", line);
    }

    [Fact]
    public async Task A_too_short_admin_password_stops_start_up_with_one_line()
    {
        var (exitCode, output) = await AnnotatorProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Annotator:Auth:AdminUser"] = "ops",
            ["Annotator:Auth:AdminPassword"] = "short",
        }, TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Equal("annotator: invalid configuration: Annotator:Auth:AdminPassword: a password has at least 10 characters",
            Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
    }

    /// <summary>The setup link the server logged (once) at start; logged just after it listens, so it may take a moment.</summary>
    public static async Task<Uri> SetupLinkAsync(AnnotatorProcess server)
    {
        for (var waited = 0; !SetupLinkPattern().IsMatch(server.Output) && waited < 200; waited++) await Task.Delay(50);
        return new(Assert.Single(SetupLinkPattern().Matches(server.Output)).Value);
    }

    [GeneratedRegex(@"http://\S+/setup\?code=[A-Za-z0-9_-]+")]
    private static partial Regex SetupLinkPattern();
}
