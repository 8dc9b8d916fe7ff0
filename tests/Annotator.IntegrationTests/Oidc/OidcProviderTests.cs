using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Annotator.Testing.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Annotator.IntegrationTests.Oidc;

/// <summary>
/// The loopback provider of tests/Shared/Oidc, checked by a relying party written by hand over raw HTTP
/// (no redirects followed): if these pass, a failing sign-in test later points at the relying party.
/// </summary>
public sealed partial class OidcProviderTests : IAsyncLifetime
{
    private const string RedirectUri = "http://127.0.0.1:1/signin-oidc"; // never contacted: redirects are read, not followed
    private static readonly OidcLogin Alice = new("alice-0001", "Alice Liddell", "alice@example.test", "annotator.admin");

    private OidcProvider _provider = null!;
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

    public async Task InitializeAsync() => _provider = await OidcProvider.StartAsync(redirectUris: [RedirectUri]);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Discovery_describes_a_code_flow_provider_with_pkce_on_loopback()
    {
        var config = await DiscoverAsync();

        Assert.Equal(_provider.Issuer.AbsoluteUri, config.Issuer);
        Assert.StartsWith("http://127.0.0.1:", config.Issuer);
        Assert.Contains("code", config.ResponseTypesSupported);
        Assert.Contains("S256", config.CodeChallengeMethodsSupported);
        Assert.DoesNotContain("plain", config.CodeChallengeMethodsSupported);
        Assert.Contains("authorization_code", config.GrantTypesSupported);
        Assert.Contains("roles", config.ClaimsSupported);
        Assert.All(new[] { config.AuthorizationEndpoint, config.TokenEndpoint, config.JwksUri, config.UserInfoEndpoint, config.EndSessionEndpoint },
            uri => Assert.StartsWith(config.Issuer, uri));
    }

    [Fact]
    public async Task A_scripted_login_gives_a_code_that_exchanges_for_a_signed_id_token_with_its_claims()
    {
        var config = await DiscoverAsync();
        _provider.SignInNext(Alice);
        var (verifier, challenge) = Pkce();

        var callback = await AuthorizeAsync(config, challenge, nonce: "n-123", state: "s-456");
        Assert.Equal("s-456", callback["state"]);
        Assert.Equal(_provider.Issuer.AbsoluteUri, callback["iss"]); // RFC 9207, OpenIddict sends it
        var tokens = await RedeemAsync(config, callback["code"]!, verifier);

        var result = await ValidateIdTokenAsync(config, (string)tokens["id_token"]!);
        Assert.True(result.IsValid, result.Exception?.ToString());
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("alice-0001", token.Subject);
        Assert.Equal("Alice Liddell", token.GetClaim("name").Value);
        Assert.Equal("alice@example.test", token.GetClaim("preferred_username").Value);
        Assert.Equal("alice@example.test", token.GetClaim("email").Value);
        Assert.Equal("n-123", token.GetClaim("nonce").Value);
        // One role, still a JSON array: a relying party must not have to handle both shapes.
        var roles = Assert.IsType<JsonArray>(Payload(token)["roles"]);
        Assert.Equal(["annotator.admin"], roles.Select(r => (string)r!));
        Assert.Equal("Bearer", (string?)tokens["token_type"], ignoreCase: true);

        var request = Assert.Single(_provider.AuthorizationRequests);
        Assert.Equal("S256", request.CodeChallengeMethod);
        Assert.Equal(challenge, request.CodeChallenge);
        Assert.Equal("n-123", request.Nonce);
        Assert.Equal(["openid", "profile", "email"], request.Scopes);
        var exchange = Assert.Single(_provider.TokenRequests);
        Assert.Equal("client_secret_post", exchange.ClientAuthentication);
        Assert.Equal(verifier, exchange.CodeVerifier);
        Assert.DoesNotContain("client_secret", exchange.Parameters.Keys);
        Assert.Equal((string)tokens["id_token"]!, Assert.Single(_provider.IssuedIdTokens));
    }

    [Fact]
    public async Task Several_roles_go_in_the_role_claim_the_provider_was_given()
    {
        await using var provider = await OidcProvider.StartAsync(redirectUris: [RedirectUri], roleClaim: "groups");
        var config = await DiscoverAsync(provider);
        provider.SignInNext(Alice with { Roles = ["annotator.editor", "annotator.viewer"], PreferredUsername = "alice" });
        var (verifier, challenge) = Pkce();

        var callback = await AuthorizeAsync(config, challenge);
        var tokens = await RedeemAsync(config, callback["code"]!, verifier, provider);

        var result = await ValidateIdTokenAsync(config, (string)tokens["id_token"]!);
        Assert.True(result.IsValid, result.Exception?.ToString());
        var payload = Payload((JsonWebToken)result.SecurityToken);
        Assert.Equal(["annotator.editor", "annotator.viewer"], payload["groups"]!.AsArray().Select(r => (string)r!));
        Assert.Null(payload["roles"]);
        Assert.Equal("alice", (string?)payload["preferred_username"]);
    }

    [Fact]
    public async Task A_refused_login_goes_back_with_access_denied_and_no_code()
    {
        var config = await DiscoverAsync();
        _provider.RefuseNext();

        var callback = await AuthorizeAsync(config, Pkce().Challenge, state: "s-1");

        Assert.Equal("access_denied", callback["error"]);
        Assert.Equal("s-1", callback["state"]);
        Assert.False(callback.ContainsKey("code"));
        Assert.Equal(0, _provider.PendingSteps);
    }

    [Fact]
    public async Task The_token_endpoint_refuses_a_code_with_the_wrong_pkce_verifier()
    {
        var config = await DiscoverAsync();
        _provider.SignInNext(Alice);
        var callback = await AuthorizeAsync(config, Pkce().Challenge);

        var response = await PostTokenAsync(config, callback["code"]!, Pkce().Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Fact]
    public async Task The_token_endpoint_refuses_a_wrong_client_secret()
    {
        var config = await DiscoverAsync();
        _provider.SignInNext(Alice);
        var (verifier, challenge) = Pkce();
        var callback = await AuthorizeAsync(config, challenge);

        var response = await PostTokenAsync(config, callback["code"]!, verifier, secret: "not-the-secret");

        Assert.Equal("invalid_client", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_gets_an_error_page_and_no_redirect()
    {
        var config = await DiscoverAsync();
        _provider.SignInNext(Alice);

        var response = await _http.GetAsync(AuthorizationUrl(config, Pkce().Challenge, redirectUri: "http://127.0.0.1:1/elsewhere"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(1, _provider.PendingSteps); // nobody was signed in
        Assert.Equal("http://127.0.0.1:1/elsewhere", Assert.Single(_provider.AuthorizationRequests).RedirectUri);
    }

    [Fact]
    public async Task A_request_without_pkce_is_refused()
    {
        var config = await DiscoverAsync();
        _provider.SignInNext(Alice);
        var url = QueryHelpers.AddQueryString(config.AuthorizationEndpoint, new Dictionary<string, string?>
        {
            ["client_id"] = _provider.Client.Id, ["redirect_uri"] = RedirectUri, ["response_type"] = "code", ["scope"] = "openid",
        });

        var response = await _http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, _provider.PendingSteps);
    }

    [Fact]
    public async Task An_expired_id_token_is_issued_when_asked_and_fails_validation()
    {
        var config = await DiscoverAsync();
        _provider.SignInNext(Alice.WithExpiredIdToken());
        var (verifier, challenge) = Pkce();
        var callback = await AuthorizeAsync(config, challenge);

        var tokens = await RedeemAsync(config, callback["code"]!, verifier);
        var result = await ValidateIdTokenAsync(config, (string)tokens["id_token"]!);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
        var token = new JsonWebToken((string)tokens["id_token"]!);
        Assert.True(token.ValidTo < DateTime.UtcNow - TimeSpan.FromMinutes(9), $"exp {token.ValidTo:O}");
        Assert.True(token.IssuedAt < token.ValidTo);
    }

    [Fact]
    public async Task With_nothing_scripted_the_login_form_signs_in_the_user_typed()
    {
        var config = await DiscoverAsync();
        _provider.Users["bob"] = new OidcLogin("bob-0002", "Bob", "bob@example.test", "annotator.viewer") { PreferredUsername = "bob" };
        var (verifier, challenge) = Pkce();

        var page = await _http.GetAsync(AuthorizationUrl(config, challenge, nonce: "n-form"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(">Sign in</button>", html);
        Assert.Contains(">Refuse</button>", html);
        var fields = HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["login_username"] = "bob";
        fields["login_action"] = "sign-in";
        var posted = await _http.PostAsync(config.AuthorizationEndpoint, new FormUrlEncodedContent(fields));

        var callback = Callback(posted);
        var tokens = await RedeemAsync(config, callback["code"]!, verifier);
        var result = await ValidateIdTokenAsync(config, (string)tokens["id_token"]!);
        Assert.True(result.IsValid, result.Exception?.ToString());
        Assert.Equal("bob-0002", ((JsonWebToken)result.SecurityToken).Subject);
        Assert.Equal("n-form", ((JsonWebToken)result.SecurityToken).GetClaim("nonce").Value);
        Assert.Single(_provider.AuthorizationRequests); // the form's post-back is the user, not a second request

        fields["login_action"] = "refuse";
        Assert.Equal("access_denied", Callback(await _http.PostAsync(config.AuthorizationEndpoint, new FormUrlEncodedContent(fields)))["error"]);
    }

    [Fact]
    public async Task Userinfo_answers_the_access_token_with_the_same_claims()
    {
        var config = await DiscoverAsync();
        _provider.SignInNext(Alice);
        var (verifier, challenge) = Pkce();
        var tokens = await RedeemAsync(config, (await AuthorizeAsync(config, challenge))["code"]!, verifier);

        using var request = new HttpRequestMessage(HttpMethod.Get, config.UserInfoEndpoint);
        request.Headers.Authorization = new("Bearer", (string)tokens["access_token"]!);
        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("alice-0001", (string?)info["sub"]);
        Assert.Equal("alice@example.test", (string?)info["email"]);
        Assert.Equal(["annotator.admin"], info["roles"]!.AsArray().Select(r => (string)r!));
    }

    [Fact]
    public async Task End_session_returns_only_to_a_registered_post_logout_uri()
    {
        var config = await DiscoverAsync();
        _provider.Client.AllowPostLogoutRedirectUri("http://127.0.0.1:1/signout-callback-oidc");

        var back = await _http.GetAsync(QueryHelpers.AddQueryString(config.EndSessionEndpoint, new Dictionary<string, string?>
        {
            ["post_logout_redirect_uri"] = "http://127.0.0.1:1/signout-callback-oidc", ["state"] = "bye",
        }));
        var elsewhere = await _http.GetAsync(QueryHelpers.AddQueryString(config.EndSessionEndpoint, "post_logout_redirect_uri", "http://127.0.0.1:1/other"));

        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.StartsWith("http://127.0.0.1:1/signout-callback-oidc", back.Headers.Location!.AbsoluteUri);
        Assert.Equal("bye", QueryHelpers.ParseQuery(back.Headers.Location.Query)["state"].ToString());
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Equal(2, _provider.EndSessionRequests.Count);
    }

    // ---- the relying party, by hand ----

    private Task<OpenIdConnectConfiguration> DiscoverAsync() => DiscoverAsync(_provider);

    private async Task<OpenIdConnectConfiguration> DiscoverAsync(OidcProvider provider)
    {
        var config = OpenIdConnectConfiguration.Create(await _http.GetStringAsync(provider.DiscoveryUri));
        foreach (var key in new JsonWebKeySet(await _http.GetStringAsync(config.JwksUri)).GetSigningKeys()) config.SigningKeys.Add(key);
        return config;
    }

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private string AuthorizationUrl(OpenIdConnectConfiguration config, string challenge, string nonce = "n", string state = "s", string redirectUri = RedirectUri) =>
        QueryHelpers.AddQueryString(config.AuthorizationEndpoint, new Dictionary<string, string?>
        {
            ["client_id"] = _provider.Client.Id,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = "openid profile email",
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

    /// <summary>Follows the browser to the provider and reads where it is sent back (the provider's client id
    /// is the same for every provider these tests start).</summary>
    private async Task<Dictionary<string, string?>> AuthorizeAsync(OpenIdConnectConfiguration config, string challenge, string nonce = "n", string state = "s") =>
        Callback(await _http.GetAsync(AuthorizationUrl(config, challenge, nonce, state)));

    private static Dictionary<string, string?> Callback(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(RedirectUri + "?", location.AbsoluteUri);
        return QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());
    }

    private Task<HttpResponseMessage> PostTokenAsync(OpenIdConnectConfiguration config, string code, string verifier, string? secret = null, OidcProvider? provider = null)
    {
        provider ??= _provider;
        return _http.PostAsync(config.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
            ["client_id"] = provider.Client.Id,
            ["client_secret"] = secret ?? provider.Client.Secret,
        }));
    }

    private async Task<JsonNode> RedeemAsync(OpenIdConnectConfiguration config, string code, string verifier, OidcProvider? provider = null)
    {
        var response = await PostTokenAsync(config, code, verifier, provider: provider);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!;
    }

    private Task<TokenValidationResult> ValidateIdTokenAsync(OpenIdConnectConfiguration config, string idToken) =>
        new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = config.Issuer,
            ValidAudience = _provider.Client.Id,
            IssuerSigningKeys = config.SigningKeys,
            ValidAlgorithms = ["RS256"],
            ClockSkew = TimeSpan.FromMinutes(5),
        });

    private static JsonNode Payload(JsonWebToken token) => JsonNode.Parse(Base64UrlEncoder.Decode(token.EncodedPayload))!;

    [GeneratedRegex("""<input type="hidden" name="([^"]*)" value="([^"]*)">""")]
    private static partial Regex HiddenField();
}
