using System.Net;
using System.Text;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Access;

/// <summary>
/// The matrix: every guarded API endpoint, asked by every kind of caller, lets through exactly those the rights table
/// allows (any answer but 401/403: a sample id may well be 404) and refuses the others, signed out with 401 and a
/// Bearer challenge, signed in with a 403 problem.
/// </summary>
public sealed class AccessMatrixTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    public static TheoryData<string> Endpoints() => [.. AccessMatrix.Endpoints.Select(e => e.Key)];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Each_caller_is_allowed_or_refused_as_the_rights_table_says(string key)
    {
        var endpoint = AccessMatrix.Endpoints.Single(e => e.Key == key);
        var wrong = new List<string>();
        foreach (var caller in fixture.Callers)
        {
            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path);
            if (endpoint.Method is "POST" or "PATCH" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            // The live stream never ends by itself: its headers are the answer.
            using var response = await caller.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            var expected = caller.May(endpoint.Right) ? "allowed" : caller.SignedIn ? "403" : "401";
            var got = status is 401 or 403 ? status.ToString() : "allowed";
            if (got != expected) wrong.Add($"{caller}: expected {expected}, got {status}");
            else if (status == 401)
            {
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
                await response.ProblemAsync();
            }
            else if (status == 403)
                Assert.Contains($"'{endpoint.Right}'", (string?)(await response.ProblemAsync())["detail"]);
        }
        Assert.True(wrong.Count == 0, $"{endpoint.Method} {endpoint.Path}:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task A_signed_out_browser_is_sent_to_sign_in_and_back_to_the_page_it_asked_for()
    {
        using var browser = AccessApi.SessionClient(fixture.Server.BaseAddress);
        foreach (var page in new[] { "", $"images/{Guid.CreateVersion7()}", "tokens", "users", "audit", "scalar" })
        {
            using var response = await browser.GetAsync(page);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/signin?returnUrl={Uri.EscapeDataString("/" + page)}", response.Headers.Location?.OriginalString);
        }
    }

    [Fact]
    public async Task The_sign_in_and_setup_pages_their_files_and_health_load_for_anyone()
    {
        using var browser = AccessApi.SessionClient(fixture.Server.BaseAddress);
        foreach (var page in new[] { "signin", "setup", "healthz", "readyz", "favicon.svg" })
        {
            using var response = await browser.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/{page}: {(int)response.StatusCode}");
        }
        var signin = await browser.GetStringAsync("signin");
        foreach (var asset in System.Text.RegularExpressions.Regex.Matches(signin, "(?:src|href)=\"/?((?:css|js)/[^\"]+)\"").Select(m => m.Groups[1].Value))
        {
            using var response = await browser.GetAsync(asset);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/{asset}: {(int)response.StatusCode}");
        }
    }

    [Theory]
    [InlineData("viewer session", "", HttpStatusCode.OK)]
    [InlineData("viewer session", "tokens", HttpStatusCode.OK)]
    [InlineData("viewer session", "users", HttpStatusCode.Forbidden)]
    [InlineData("viewer session", "audit", HttpStatusCode.Forbidden)]
    [InlineData("editor session", "users", HttpStatusCode.Forbidden)]
    [InlineData("admin session", "users", HttpStatusCode.OK)]
    [InlineData("admin session", "audit", HttpStatusCode.OK)]
    public async Task A_signed_in_browser_gets_the_pages_its_role_may_see(string caller, string page, HttpStatusCode expected)
    {
        using var response = await fixture[caller].Client.GetAsync(page);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task The_admin_pages_are_refused_to_a_viewer_under_every_address_they_are_served_at()
    {
        // users.html, users.html.gz and the fingerprinted users.<hash>.html(.gz), as the build's manifest lists them.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var manifest = await File.ReadAllTextAsync(Path.Combine(TestData.RepositoryRoot, "src", "Annotator.Server", "bin", configuration, "net10.0",
            "Annotator.Server.staticwebassets.endpoints.json"));
        var routes = System.Text.RegularExpressions.Regex.Matches(manifest, "\"Route\":\\s*\"((?:users|audit)\\.[^\"]*html[^\"]*)\"")
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(routes.Count >= 4, string.Join(", ", routes));

        foreach (var route in routes)
        {
            using var viewer = await fixture["viewer session"].Client.GetAsync(route);
            using var admin = await fixture["admin session"].Client.GetAsync(route);
            Assert.True(viewer.StatusCode == HttpStatusCode.Forbidden, $"viewer, /{route}: {(int)viewer.StatusCode}");
            Assert.True(admin.StatusCode == HttpStatusCode.OK, $"admin, /{route}: {(int)admin.StatusCode}");
        }
    }
}
