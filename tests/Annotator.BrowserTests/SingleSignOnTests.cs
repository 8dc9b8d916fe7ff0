using System.Text.RegularExpressions;
using Annotator.Testing;
using Annotator.Testing.Oidc;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Annotator.BrowserTests;

/// <summary>The loopback OpenID Connect provider and a server of this class's own that signs in with it.</summary>
public sealed class SingleSignOnServerFixture : IAsyncLifetime
{
    public const string DisplayName = "Test Provider";

    public OidcProvider Provider { get; private set; } = null!;
    public AnnotatorProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await OidcProvider.StartAsync();
        Server = await AnnotatorProcess.StartAsync(new Dictionary<string, string>
        {
            ["Annotator:Auth:Oidc:Authority"] = Provider.Issuer.AbsoluteUri,
            ["Annotator:Auth:Oidc:ClientId"] = Provider.Client.Id,
            ["Annotator:Auth:Oidc:ClientSecret"] = Provider.Client.Secret,
            ["Annotator:Auth:Oidc:DisplayName"] = DisplayName,
            ["Annotator:Auth:Oidc:RequireHttpsMetadata"] = "false",
        });
        // The server's port is known only now.
        Provider.Client.AllowRedirectUri($"{Server.BaseAddress}signin-oidc");
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
    }
}

/// <summary>
/// Single sign-on as a person does it: a signed-out Chromium is sent to the sign-in page, follows "Sign in with …"
/// to the provider's real login form, types a user name there, and comes back signed in (or refused).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SingleSignOnTests(BrowserFixture browser, SingleSignOnServerFixture sso, ITestOutputHelper output)
    : IClassFixture<SingleSignOnServerFixture>
{
    [Fact]
    public async Task A_signed_out_person_signs_in_at_the_provider_and_lands_in_the_gallery_by_name()
    {
        const string userName = "sso-browser-editor";
        sso.Provider.Users[userName] = new OidcLogin("sub-browser-editor", "Browser Editor", "browser.editor@example.test", "editor")
        {
            PreferredUsername = userName,
        };
        await using var tab = await browser.NewPageAsync(output, server: sso.Server, signIn: BrowserFixture.SignedOut);

        await tab.Page.GotoAsync("/");
        await Expect(tab.Page).ToHaveURLAsync(new Regex(@"/signin\?returnUrl=%2F$"));
        var link = tab.Page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {SingleSignOnServerFixture.DisplayName}" });
        await Expect(link).ToBeVisibleAsync();
        await link.ClickAsync();

        // The provider's own page, on its own origin.
        await Expect(tab.Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(sso.Provider.Issuer.AbsoluteUri)));
        await tab.Page.GetByLabel("User name").FillAsync(userName);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(tab.Page).ToHaveURLAsync(sso.Server.BaseAddress.AbsoluteUri);
        await tab.WaitForGalleryAsync();
        await Expect(tab.Locator("#account-user")).ToHaveTextAsync(userName);
        await Expect(tab.Locator("#account-role")).ToHaveAttributeAsync("data-role", "editor");
        var request = sso.Provider.LastAuthorizationRequest!;
        Assert.Equal("S256", request.CodeChallengeMethod);
        await tab.ScreenshotAsync("sso-signed-in.png");
    }

    [Fact]
    public async Task A_person_who_refuses_at_the_provider_sees_why_on_the_sign_in_page()
    {
        await using var tab = await browser.NewPageAsync(output, server: sso.Server, signIn: BrowserFixture.SignedOut);

        await tab.Page.GotoAsync("/signin");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {SingleSignOnServerFixture.DisplayName}" }).ClickAsync();
        await Expect(tab.Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(sso.Provider.Issuer.AbsoluteUri)));
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Refuse" }).ClickAsync();

        await Expect(tab.Page).ToHaveURLAsync(new Regex(@"/signin\?error="));
        var note = tab.Locator("#sso-error");
        await Expect(note).ToBeVisibleAsync();
        await Expect(note).ToHaveTextAsync(
            $"Single sign-on did not sign you in: {SingleSignOnServerFixture.DisplayName}: The user refused to sign in. (access_denied)");
        // Still signed out: the password form is there, and the gallery sends the person back here.
        await Expect(tab.Locator("#signin-form")).ToBeVisibleAsync();
        await Expect(tab.Locator("#already")).ToBeHiddenAsync();
        await tab.ScreenshotAsync("sso-refused.png");
    }
}
