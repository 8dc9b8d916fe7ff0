using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Annotator.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>
/// Accounts and access as a person meets them in a real Chromium: the first setup, signing in and out, what a viewer,
/// an editor and an admin are offered (and what the server refuses whatever the page offers), tokens, and pages of
/// other sites. Every test makes its own accounts, so none depends on another.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AccessPagesTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Password = "a long enough password";

    private Uri Base => browser.Server.BaseAddress;

    private string Address(string path) => new Uri(Base, path).ToString();

    /// <summary>A new account of this role on the shared server, with a name no other test uses.</summary>
    private async Task<(string Id, string Name)> NewUserAsync(string role)
    {
        var name = $"{role}-{Guid.NewGuid():N}"[..20];
        var id = await browser.Api.AddUserAsync(name, Password, role);
        return (id, name);
    }

    private Task<BrowserPage> PageAsUserAsync(string name) => browser.NewPageAsync(output, signIn: (name, Password));

    /// <summary>The header names the account once <c>/api/auth/me</c> has answered; the page has applied its rights by then.</summary>
    private static async Task WaitForAccountAsync(BrowserPage tab, string userName, string role)
    {
        await Expect(tab.Locator("#account-user")).ToHaveTextAsync(userName);
        await Expect(tab.Locator("#account-role")).ToHaveTextAsync(role);
    }

    /// <summary>A photo uploaded by the admin through the API, finished, under a file name no other test uses.</summary>
    private async Task<(string Id, string FileName)> AdminPhotoAsync(string prefix)
    {
        var fileName = $"{prefix}-{Guid.NewGuid():N}"[..24] + ".jpg";
        var image = await browser.Api.UploadImageAsync(TestData.Distinct("exif-landscape-3.jpg"), fileName);
        await browser.Api.WaitUntilFinishedAsync(image.Id());
        return (image.Id(), fileName);
    }

    // 1. Setup

    [Fact]
    public async Task A_new_server_sends_to_sign_in_says_setup_is_needed_and_its_one_time_link_makes_the_first_admin()
    {
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Auth:AdminUser"] = "" });
        var link = await SetupLinkAsync(server);
        output.WriteLine("setup link: " + new Uri(link).GetLeftPart(UriPartial.Path) + "?code=…");
        var linkPath = new Uri(link).PathAndQuery;
        var home = new Uri(server.BaseAddress, "/").ToString();

        // Signed out, the gallery is not shown: the sign-in page says the server needs setting up, and offers no form.
        await using (var visitor = await browser.NewPageAsync(output, server: server, signIn: BrowserFixture.SignedOut))
        {
            await visitor.GotoAsync("/");
            await Expect(visitor.Page).ToHaveURLAsync(new Uri(server.BaseAddress, "/signin?returnUrl=%2F").ToString());
            await Expect(visitor.Locator("#setup-needed")).ToBeVisibleAsync();
            await Expect(visitor.Locator("#setup-needed")).ToContainTextAsync("This server is not set up yet.");
            await Expect(visitor.Locator("#setup-needed")).ToContainTextAsync("/setup?code=");
            await Expect(visitor.Locator("#signin-form")).ToBeHiddenAsync();
        }

        var adminName = "ada-" + Guid.NewGuid().ToString("N")[..8];
        const string adminPassword = "the first admin's password";
        await using (var tab = await browser.NewPageAsync(output, server: server, signIn: BrowserFixture.SignedOut))
        {
            await tab.GotoAsync(linkPath);
            await Expect(tab.Locator("#setup-form")).ToBeVisibleAsync();
            await tab.Locator("#user-name").FillAsync(adminName);
            await tab.Locator("#password").FillAsync(adminPassword);

            // Two different passwords are caught before anything is sent.
            await tab.Locator("#password-again").FillAsync(adminPassword + "?");
            await tab.Locator("#setup-button").ClickAsync();
            await Expect(tab.Locator("#setup-error")).ToHaveTextAsync("The two passwords differ.");
            await Expect(tab.Page).ToHaveURLAsync(new Uri(server.BaseAddress, linkPath).ToString());

            await tab.Locator("#password-again").FillAsync(adminPassword);
            await tab.Locator("#setup-button").ClickAsync();

            // The gallery, signed in as the new admin.
            await Expect(tab.Page).ToHaveURLAsync(home);
            await tab.WaitForGalleryAsync();
            await WaitForAccountAsync(tab, adminName, "Admin");
            await Expect(tab.Page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true })).ToBeVisibleAsync();
            await tab.ScreenshotAsync("setup-done.png");
        }

        // The same link again: refused with one clear line, and no form to fill in.
        await using (var again = await browser.NewPageAsync(output, server: server, signIn: BrowserFixture.SignedOut))
        {
            await again.GotoAsync(linkPath);
            await Expect(again.Locator("#set-up-already")).ToBeVisibleAsync();
            await Expect(again.Locator("#set-up-already")).ToHaveTextAsync("This server is already set up. Sign in");
            await Expect(again.Locator("#setup-form")).ToBeHiddenAsync();
            await again.ScreenshotAsync("setup-used.png");
        }

        // And the server refuses the spent code itself, whatever a page shows; there is still only the one account.
        using var anonymous = server.Anonymous();
        using var reuse = await anonymous.PostAsJsonAsync("api/auth/setup", new { code = new Uri(link).Query["?code=".Length..], userName = "mallory", password = "another long password" });
        Assert.Equal(HttpStatusCode.Forbidden, reuse.StatusCode);
        using var session = AccessApi.SessionClient(server.BaseAddress);
        await session.SignInAsync(adminName, adminPassword);
        var users = JsonNode.Parse(await session.GetStringAsync("api/users"))!.AsArray();
        Assert.Equal([adminName], users.Select(user => (string)user!["userName"]!));
    }

    private static async Task<string> SetupLinkAsync(AnnotatorProcess server)
    {
        // Logged once the server has started, which may be just after the line that says it listens.
        var deadline = DateTime.UtcNow + BrowserFixture.Patience;
        while (true)
        {
            if (SetupLink().Match(server.Output) is { Success: true } match) return match.Value;
            if (server.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException("No setup link in the server's log:\n" + server.Output);
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/setup\?code=[A-Za-z0-9_-]+")]
    private static partial Regex SetupLink();

    // 2. Sign in, sign out

    [Fact]
    public async Task Signing_in_returns_to_the_page_asked_for_and_signing_out_ends_the_session()
    {
        var (_, name) = await NewUserAsync("viewer");
        var (imageId, fileName) = await AdminPhotoAsync("signin");
        await using var tab = await browser.NewPageAsync(output, signIn: BrowserFixture.SignedOut);

        await tab.GotoAsync($"/images/{imageId}");
        await Expect(tab.Page).ToHaveURLAsync(Address($"/signin?returnUrl=%2Fimages%2F{imageId}"));
        await Expect(tab.Locator("#signin-form")).ToBeVisibleAsync();

        // A wrong password: one line saying so, still on the sign-in page, the password field emptied.
        await tab.Locator("#user-name").FillAsync(name);
        await tab.Locator("#password").FillAsync("not the password");
        await tab.Locator("#signin-button").ClickAsync();
        await Expect(tab.Locator("#signin-error")).ToBeVisibleAsync();
        await Expect(tab.Locator("#signin-error")).ToHaveTextAsync("the user name or password is wrong");
        await Expect(tab.Locator("#password")).ToHaveValueAsync("");
        await Expect(tab.Page).ToHaveURLAsync(Address($"/signin?returnUrl=%2Fimages%2F{imageId}"));
        await tab.ScreenshotAsync("signin-wrong-password.png");

        // The right one: back at the image first asked for.
        await tab.Locator("#password").FillAsync(Password);
        await tab.Locator("#signin-button").ClickAsync();
        await Expect(tab.Page).ToHaveURLAsync(Address($"/images/{imageId}"));
        await Expect(tab.Locator("#image-heading")).ToHaveTextAsync(fileName);
        await WaitForAccountAsync(tab, name, "Viewer");

        // Sign out: the sign-in page, and the session is over for the page and for the API.
        await tab.Locator("#sign-out").ClickAsync();
        await Expect(tab.Page).ToHaveURLAsync(Address("/signin"));
        await Expect(tab.Locator("#signin-form")).ToBeVisibleAsync();
        var me = await tab.Page.Context.APIRequest.GetAsync("/api/auth/me");
        Assert.Equal(401, me.Status);
        await tab.GotoAsync("/");
        await Expect(tab.Page).ToHaveURLAsync(Address("/signin?returnUrl=%2F"));
        await Expect(tab.Locator("#signin-form")).ToBeVisibleAsync();
    }

    // 3. Viewer

    [Fact]
    public async Task A_viewer_sees_the_gallery_and_an_image_but_no_way_to_change_them_and_a_forged_delete_is_refused()
    {
        var (_, name) = await NewUserAsync("viewer");
        var (imageId, fileName) = await AdminPhotoAsync("viewer");
        await using var tab = await PageAsUserAsync(name);

        await tab.OpenGalleryAsync();
        await WaitForAccountAsync(tab, name, "Viewer");
        await Expect(tab.Card(imageId).Locator(".card-link")).ToHaveTextAsync(fileName);
        await Expect(tab.Locator("section.upload")).ToBeHiddenAsync();
        await Expect(tab.Locator("#drop-zone")).ToBeHiddenAsync();
        await Expect(tab.Locator("#recaption-open")).ToBeHiddenAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Link, new() { Name = "My tokens", Exact = true })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true })).ToHaveCountAsync(0);
        await Expect(tab.Page.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true })).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("gallery-viewer.png");

        await tab.GotoAsync($"/images/{imageId}");
        await WaitForAccountAsync(tab, name, "Viewer");
        await Expect(tab.Locator("#image-heading")).ToHaveTextAsync(fileName);
        await Expect(tab.Locator("#image-layout")).ToBeVisibleAsync();
        await Expect(tab.Locator("#download")).ToBeVisibleAsync();
        await Expect(tab.Locator("#delete")).ToBeHiddenAsync();
        await Expect(tab.Locator("#retry")).ToBeHiddenAsync();
        await Expect(tab.Locator("#recaption-form")).ToBeHiddenAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Button, new() { Name = "Delete…" })).ToHaveCountAsync(0);
        await Expect(tab.Page.GetByRole(AriaRole.Button, new() { Name = "Re-caption" })).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("image-viewer.png");

        // What the page hides is a courtesy: the server refuses the viewer's own browser, with its session cookie.
        var status = await tab.Page.EvaluateAsync<int>($"fetch('/api/images/{imageId}', {{ method: 'DELETE' }}).then(r => r.status)");
        Assert.Equal(403, status);
        var recaption = await tab.Page.EvaluateAsync<int>(
            $"fetch('/api/images/{imageId}/recaption', {{ method: 'POST', headers: {{ 'Content-Type': 'application/json' }}, body: '{{}}' }}).then(r => r.status)");
        Assert.Equal(403, recaption);
        Assert.NotNull(await browser.Api.GetImageAsync(imageId));
        await tab.Page.ReloadAsync();
        await Expect(tab.Locator("#image-heading")).ToHaveTextAsync(fileName);
    }

    // 4. Editor

    [Fact]
    public async Task An_editor_uploads_through_the_page_is_named_as_its_uploader_and_My_uploads_shows_only_theirs()
    {
        var (_, name) = await NewUserAsync("editor");
        var (adminImageId, _) = await AdminPhotoAsync("admins");
        await using var tab = await PageAsUserAsync(name);

        await tab.OpenGalleryAsync();
        await WaitForAccountAsync(tab, name, "Editor");
        await Expect(tab.Locator("section.upload")).ToBeVisibleAsync();
        await Expect(tab.Card(adminImageId)).ToBeVisibleAsync();

        await tab.Locator("#file-input").SetInputFilesAsync(TestData.Distinct("exif-landscape-2.jpg"));
        var id = await tab.UploadedIdAsync("exif-landscape-2.jpg");
        await Expect(tab.Card(id).Locator(".card-link")).ToHaveTextAsync("exif-landscape-2.jpg");
        await Expect(tab.Card(id).Locator(".badge")).ToHaveTextAsync("Done");

        await tab.GotoAsync($"/images/{id}");
        await Expect(tab.Locator("#image-heading")).ToHaveTextAsync("exif-landscape-2.jpg");
        var uploadedBy = tab.Locator("#file-facts .fact").Filter(new() { Has = tab.Page.Locator("dt", new() { HasTextString = "Uploaded by" }) });
        await Expect(uploadedBy.Locator("dd")).ToHaveTextAsync(name);
        await Expect(tab.Locator("#delete")).ToBeVisibleAsync(); // an editor may delete what is shown

        // My uploads: the editor's one photo, not the admin's.
        await tab.OpenGalleryAsync();
        await Expect(tab.Card(adminImageId)).ToBeVisibleAsync();
        await tab.Locator("#mine").CheckAsync();
        await Expect(tab.Page).ToHaveURLAsync(Address("/?mine=true"));
        await Expect(tab.Card(adminImageId)).ToHaveCountAsync(0);
        await Expect(tab.Card(id)).ToBeVisibleAsync();
        await Expect(tab.Locator(".card")).ToHaveCountAsync(1);
        await Expect(tab.Locator("#grid")).ToHaveAttributeAsync("aria-busy", "false");
        await tab.ScreenshotAsync("gallery-my-uploads.png");
    }

    // 5. Admin

    [Fact]
    public async Task An_admin_changes_a_role_on_the_users_page_it_counts_at_the_next_request_and_the_audit_page_lists_it()
    {
        var (viewerId, viewerName) = await NewUserAsync("viewer");
        using var viewerSession = AccessApi.SessionClient(Base);
        await viewerSession.SignInAsync(viewerName, Password);
        Assert.Equal("viewer", (string?)JsonNode.Parse(await viewerSession.GetStringAsync("api/auth/me"))!["role"]);

        await using var tab = await browser.NewPageAsync(output);
        await tab.GotoAsync("/users");
        await WaitForAccountAsync(tab, AnnotatorProcess.AdminUser, "Admin");
        var row = tab.Locator($"#users tr[data-id=\"{viewerId}\"]");
        var role = row.GetByLabel($"Role of {viewerName}");
        await Expect(role).ToHaveValueAsync("viewer");
        await role.SelectOptionAsync("editor");
        await Expect(tab.Locator("#page-status")).ToHaveTextAsync($"{viewerName} is now editor.");
        await Expect(row.GetByLabel($"Role of {viewerName}")).ToHaveValueAsync("editor");
        await tab.ScreenshotAsync("users-role-changed.png");

        var listed = JsonNode.Parse(await browser.Api.GetStringAsync("api/users"))!.AsArray().Single(user => (string?)user!["id"] == viewerId)!;
        Assert.Equal("editor", (string?)listed["role"]);

        // The same session, its next request: editor rights, without signing in again.
        var me = JsonNode.Parse(await viewerSession.GetStringAsync("api/auth/me"))!;
        Assert.Equal("editor", (string?)me["role"]);
        Assert.Contains("upload", me["rights"]!.AsArray().Select(right => (string?)right));

        // The audit page, filtered to what the admin (by name, as the Actor column shows it) did to that account: the change.
        await tab.GotoAsync("/audit");
        await tab.Locator("#actor").FillAsync(AnnotatorProcess.AdminUser);
        await tab.Locator("#target").FillAsync(viewerId);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(tab.Page).ToHaveURLAsync(Address($"/audit?actor={AnnotatorProcess.AdminUser}&target={viewerId}"));
        var change = tab.Locator("#entries tr[data-action=\"user.change\"]");
        await Expect(change).ToHaveCountAsync(1);
        await Expect(change.Locator("td").Nth(1)).ToHaveTextAsync(AnnotatorProcess.AdminUser);
        await Expect(change.Locator("td.detail")).ToHaveTextAsync($"{viewerName}: role viewer → editor");
        await Expect(tab.Locator("#entries tr[data-action=\"user.create\"]")).ToHaveCountAsync(1);
        await tab.ScreenshotAsync("audit-role-change.png");
    }

    [Theory]
    [InlineData("/users", "#users")]
    [InlineData("/audit", "#entries")]
    public async Task The_users_and_audit_pages_are_refused_to_a_viewer_not_shown(string path, string content)
    {
        var (_, name) = await NewUserAsync("viewer");
        await using var tab = await PageAsUserAsync(name);

        var response = await tab.Page.GotoAsync(path);
        Assert.Equal(403, response?.Status);
        await Expect(tab.Page).ToHaveURLAsync(Address(path));
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        await Expect(tab.Locator("#refused")).ToHaveTextAsync("This page is for admins: your account may not open it.");
        await Expect(tab.Locator(content)).ToHaveCountAsync(0);
        await Expect(tab.Locator("script")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync($"refused-{path.Trim('/')}.png");

        // Its data is refused too, to the viewer's own browser.
        var status = await tab.Page.EvaluateAsync<int>($"fetch('/api{path}').then(r => r.status)");
        Assert.Equal(403, status);
    }

    // 6. Tokens

    [Fact]
    public async Task A_read_token_is_shown_once_reads_but_cannot_upload_and_once_revoked_is_refused()
    {
        var (_, name) = await NewUserAsync("editor");
        var tokenName = "script-" + Guid.NewGuid().ToString("N")[..8];
        await using var tab = await PageAsUserAsync(name);

        await tab.GotoAsync("/tokens");
        await WaitForAccountAsync(tab, name, "Editor");
        await Expect(tab.Locator("#page-status")).ToHaveTextAsync("You have no tokens yet.");
        await tab.Locator("#token-name").FillAsync(tokenName);
        var scopes = tab.Locator("#scopes");
        await Expect(scopes.Locator("input[value=read]")).ToBeCheckedAsync();
        await Expect(scopes.Locator("input[value=upload]")).ToBeVisibleAsync(); // an editor could give it upload, and does not
        await Expect(scopes.Locator("input[value=upload]")).Not.ToBeCheckedAsync();
        await Expect(scopes.Locator("input[value=admin]")).ToBeHiddenAsync();
        await tab.Locator("#create-button").ClickAsync();

        // Shown once, in a field to copy from; listed with its scope.
        await Expect(tab.Locator("#new-token")).ToBeVisibleAsync();
        await Expect(tab.Locator("#new-token-heading")).ToHaveTextAsync($"Your new token “{tokenName}”");
        await Expect(tab.Locator("#new-token-value")).ToHaveValueAsync(new Regex("^ann_"));
        var secret = await tab.Locator("#new-token-value").InputValueAsync();
        var row = tab.Page.Locator("#tokens tr", new() { HasTextString = tokenName });
        await Expect(row.Locator(".scope")).ToHaveTextAsync(["read"]);
        await tab.ScreenshotAsync("token-created.png");

        using var client = AccessApi.ClientWith(Base, secret);
        using (var read = await client.GetAsync("api/images")) Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using (var upload = await client.UploadAsync(TestData.Distinct("exif-landscape-2.jpg"), "token-upload.jpg"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
            Assert.Contains("'upload' scope", (string?)(await upload.ProblemAsync())["detail"]);
        }

        // Leave and come back: listed, and the secret is nowhere on the page.
        await tab.OpenGalleryAsync();
        await tab.GotoAsync("/tokens");
        await Expect(row).ToBeVisibleAsync();
        await Expect(tab.Locator("#new-token")).ToBeHiddenAsync();
        await Expect(tab.Locator("#new-token-value")).ToHaveValueAsync("");
        var shown = await tab.Page.EvaluateAsync<bool>(
            "secret => document.documentElement.outerHTML.includes(secret) || [...document.querySelectorAll('input')].some(i => i.value.includes(secret))",
            secret);
        Assert.False(shown, "the token's secret is on the page after leaving it");

        // Revoke on the page: the same request is now refused.
        await row.GetByRole(AriaRole.Button, new() { Name = $"Revoke {tokenName}" }).ClickAsync();
        await Expect(tab.Locator("#revoke-dialog")).ToBeVisibleAsync();
        await tab.Locator("#revoke-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Expect(tab.Locator("#page-status")).ToHaveTextAsync($"Revoked “{tokenName}”.");
        await Expect(row).ToHaveCountAsync(0);
        using (var revoked = await client.GetAsync("api/images")) Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        await tab.Page.ReloadAsync();
        await Expect(tab.Locator("#page-status")).ToHaveTextAsync("You have no tokens yet.");
    }

    [Fact]
    public async Task Changing_my_password_on_the_tokens_page_keeps_this_browser_and_signs_out_the_others()
    {
        var (_, name) = await NewUserAsync("viewer");
        await using var elsewhere = await PageAsUserAsync(name);
        await using var tab = await PageAsUserAsync(name);
        await tab.GotoAsync("/tokens");
        await WaitForAccountAsync(tab, name, "Viewer");

        await tab.Locator("#current-password").FillAsync("not my password at all");
        await tab.Locator("#new-password").FillAsync("my brand new password");
        await tab.Locator("#password-button").ClickAsync();
        await Expect(tab.Locator("#password-error")).ToHaveTextAsync("the current password is wrong");

        await tab.Locator("#current-password").FillAsync(Password);
        await tab.Locator("#password-button").ClickAsync();
        await Expect(tab.Locator("#password-status")).ToContainTextAsync("Your password is changed");

        await tab.Page.ReloadAsync();
        await WaitForAccountAsync(tab, name, "Viewer"); // still signed in here
        await elsewhere.GotoAsync("/tokens");
        await Expect(elsewhere.Page).ToHaveURLAsync(new Regex("/signin\\?returnUrl=%2Ftokens$")); // signed out there
        using var session = AccessApi.SessionClient(Base);
        using (var old = await session.LoginAsync(name, Password)) Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using (var fresh = await session.LoginAsync(name, "my brand new password")) Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    // 7. Other sites

    [Theory]
    [InlineData("localhost")] // another site: the SameSite=Lax session cookie is not even sent
    [InlineData("127.0.0.1")] // the same site on another port: the cookie is sent, and Fetch Metadata refuses
    public async Task A_page_of_another_origin_in_the_signed_in_browser_changes_nothing(string host)
    {
        var (imageId, fileName) = await AdminPhotoAsync("target");
        var before = await browser.Api.GetImageAsync(imageId);
        var forgedName = $"forged-{Guid.NewGuid():N}"[..20] + ".jpg";
        await using var tab = await browser.NewPageAsync(output);
        await tab.OpenGalleryAsync();
        await WaitForAccountAsync(tab, AnnotatorProcess.AdminUser, "Admin"); // the browser is signed in, as the admin

        var server = Base.ToString();
        var html = $$"""
            <!doctype html>
            <html><head><title>Win a prize</title></head>
            <body>
              <form id="forged" method="post" enctype="multipart/form-data" action="{{server}}api/images">
                <input type="file" name="file" id="file">
              </form>
              <script>
                window.attack = async () => {
                  const tries = {
                    'DELETE no-cors': ['{{server}}api/images/{{imageId}}', { method: 'DELETE', credentials: 'include', mode: 'no-cors' }],
                    'DELETE cors': ['{{server}}api/images/{{imageId}}', { method: 'DELETE', credentials: 'include', mode: 'cors' }],
                    'POST recaption no-cors': ['{{server}}api/images/{{imageId}}/recaption', { method: 'POST', credentials: 'include', mode: 'no-cors', body: '{}' }],
                  };
                  const results = {};
                  for (const [name, [url, init]] of Object.entries(tries)) {
                    try {
                      const response = await fetch(url, init);
                      results[name] = `answered (${response.type})`;
                    } catch (error) {
                      results[name] = `failed: ${error.message}`;
                    }
                  }
                  return results;
                };
              </script>
            </body></html>
            """;
        await using var other = await OtherSite.StartAsync(html);
        var origin = $"http://{host}:{other.Port}";

        // What Annotator answered to each request the other page made the browser send. Through the DevTools protocol:
        // Playwright reports no response for the no-cors ones, whose refusal Chromium then blocks from the page (CORP).
        var sent = new Dictionary<string, string>();
        var statuses = new Dictionary<string, int>();
        var headers = new Dictionary<string, (string Site, bool Cookie)>();
        var cdp = await tab.Page.Context.NewCDPSessionAsync(tab.Page);
        cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) =>
        {
            var request = e!.Value.GetProperty("request");
            var url = request.GetProperty("url").GetString()!;
            if (!url.StartsWith(server, StringComparison.Ordinal)) return;
            lock (sent) sent[e.Value.GetProperty("requestId").GetString()!] = $"{request.GetProperty("method").GetString()} {new Uri(url).AbsolutePath}";
        };
        cdp.Event("Network.responseReceivedExtraInfo").OnEvent += (_, e) =>
        {
            lock (sent) statuses[e!.Value.GetProperty("requestId").GetString()!] = e.Value.GetProperty("statusCode").GetInt32();
        };
        cdp.Event("Network.requestWillBeSentExtraInfo").OnEvent += (_, e) =>
        {
            var sentHeaders = e!.Value.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString() ?? "", StringComparer.OrdinalIgnoreCase);
            lock (sent) headers[e.Value.GetProperty("requestId").GetString()!] = (
                sentHeaders.GetValueOrDefault("Sec-Fetch-Site", ""), sentHeaders.GetValueOrDefault("Cookie", "").Contains("annotator.session="));
        };
        await cdp.SendAsync("Network.enable");
        List<string> Answered()
        {
            lock (sent) return [.. sent.Select(request => $"{request.Value} {(statuses.TryGetValue(request.Key, out var status) ? status : "(no answer)")}")];
        }

        await tab.GotoAsync(origin + "/");
        var results = await tab.Page.EvaluateAsync<Dictionary<string, string>>("attack()");
        foreach (var (what, result) in results) output.WriteLine($"{what}: {result}");

        await tab.Locator("#file").SetInputFilesAsync(new FilePayload
        {
            Name = forgedName, MimeType = "image/jpeg", Buffer = await File.ReadAllBytesAsync(TestData.Image("nikon-gps.jpg")),
        });
        var posted = await tab.Page.RunAndWaitForResponseAsync(
            () => tab.Page.EvaluateAsync("document.getElementById('forged').submit()"),
            response => response.Request.Method == "POST" && response.Url == server + "api/images");
        Assert.Equal(403, posted.Status);
        Assert.Equal("Cross-site request refused", (string?)JsonNode.Parse(await posted.TextAsync())!["title"]);

        // The no-cors POST reached Annotator and was refused; no DELETE was answered with anything but a refusal.
        var recaption = $"POST /api/images/{imageId}/recaption 403";
        for (var deadline = DateTime.UtcNow + BrowserFixture.Patience; !Answered().Contains(recaption) && DateTime.UtcNow < deadline;) await Task.Delay(100);
        var answered = Answered();
        foreach (var line in answered) output.WriteLine("Annotator answered: " + line);
        Assert.Contains(recaption, answered);
        Assert.Contains("POST /api/images 403", answered);
        // The DELETEs: a no-cors one the browser itself will not send, a cors one whose preflight fails; never sent either way.
        Assert.All(answered.Where(line => line.StartsWith("DELETE ", StringComparison.Ordinal)), line => Assert.EndsWith(" (no answer)", line));
        // Which defence refused the form: on another site the cookie was not even sent; on the same site it was, and
        // Fetch Metadata (Sec-Fetch-Site) refused it before anyone was signed in.
        (string Site, bool Cookie) form;
        lock (sent) form = headers[sent.Single(request => request.Value == "POST /api/images").Key];
        output.WriteLine($"the forged form post: Sec-Fetch-Site {form.Site}, session cookie sent: {form.Cookie}");
        Assert.Equal(host == "localhost" ? ("cross-site", false) : ("same-site", true), form);

        // Nothing changed: the image is there with its caption as it was, nothing new is stored, nothing was done in the admin's name.
        var after = await browser.Api.GetImageAsync(imageId);
        Assert.NotNull(after);
        Assert.Equal(fileName, (string?)after["fileName"]);
        Assert.Equal(before!["caption"]!.ToJsonString(), after["caption"]!.ToJsonString());
        var forged = JsonNode.Parse(await browser.Api.GetStringAsync($"api/images?q={forgedName[..^4]}"))!["items"]!.AsArray();
        Assert.Empty(forged);
        var audit = JsonNode.Parse(await browser.Api.GetStringAsync($"api/audit?target={imageId}"))!["items"]!.AsArray();
        Assert.Equal(["image.upload"], audit.Select(entry => (string?)entry!["action"]));
    }
}
