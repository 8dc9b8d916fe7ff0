using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Annotator.Testing.Oidc;

/// <summary>
/// A real OpenID Connect provider (OpenIddict's server) on a free loopback port inside the test process:
/// discovery, JWKS, authorization (code flow, PKCE S256 required), token, userinfo and end-session endpoints,
/// one confidential client. The user at the keyboard is scripted with <see cref="SignInNext"/> and
/// <see cref="RefuseNext"/>; with nothing scripted the authorization endpoint shows a small real login form,
/// so a browser test can sign in by typing. Every request is recorded for assertions.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    private readonly ConcurrentQueue<OidcLogin?> _script = new(); // null: refuse
    private readonly ConcurrentQueue<OidcAuthorizationRequest> _authorizationRequests = new();
    private readonly ConcurrentQueue<OidcTokenRequest> _tokenRequests = new();
    private readonly ConcurrentQueue<OidcEndSessionRequest> _endSessionRequests = new();
    private readonly ConcurrentQueue<string> _idTokens = new();
    private WebApplication _app = null!;
    private Uri? _issuer;

    private OidcProvider(OidcClient client, string roleClaim)
    {
        Client = client;
        RoleClaim = roleClaim;
    }

    /// <summary>Starts a provider whose one client is <paramref name="clientId"/>/<paramref name="clientSecret"/>,
    /// allowed to come back to <paramref name="redirectUris"/> (more can be allowed later on <see cref="Client"/>).
    /// <paramref name="roleClaim"/> names the claim carrying the roles, as a JSON array.</summary>
    public static async Task<OidcProvider> StartAsync(
        string clientId = "annotator", string clientSecret = "annotator-test-secret",
        IEnumerable<string>? redirectUris = null, string roleClaim = "roles")
    {
        var client = new OidcClient(clientId, clientSecret);
        foreach (var uri in redirectUris ?? []) client.AllowRedirectUri(uri);
        var provider = new OidcProvider(client, roleClaim);
        await provider.StartServerAsync();
        return provider;
    }

    /// <summary>The issuer: the loopback base address, ending with '/' (the relying party's Authority).</summary>
    public Uri Issuer => _issuer ?? throw new InvalidOperationException("The provider has not started.");

    internal Uri? IssuerOrNull => _issuer;

    public Uri DiscoveryUri => new(Issuer, ".well-known/openid-configuration");

    public OidcClient Client { get; }

    /// <summary>The claim the roles go in (Keycloak: <c>roles</c> with a mapper, Entra: <c>roles</c>, others: <c>groups</c>).</summary>
    public string RoleClaim { get; }

    /// <summary>The lifetime of the id_tokens issued from now on, unless a login names its own.</summary>
    public TimeSpan IdTokenLifetime { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>The users the login form knows by user name (<see cref="OidcLogin.PreferredUsername"/> or email);
    /// a name typed that is not here signs in as a user of that name with no roles.</summary>
    public ConcurrentDictionary<string, OidcLogin> Users { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The next authorization request signs this user in at once and redirects back with a code.</summary>
    public void SignInNext(OidcLogin login) => _script.Enqueue(login);

    /// <summary>The next authorization request is refused by the user: redirected back with <c>error=access_denied</c>.</summary>
    public void RefuseNext() => _script.Enqueue(null);

    /// <summary>Scripted steps not yet used by an authorization request.</summary>
    public int PendingSteps => _script.Count;

    /// <summary>Every authorization request received, except the login form's own post-back.</summary>
    public IReadOnlyList<OidcAuthorizationRequest> AuthorizationRequests => [.. _authorizationRequests];

    public OidcAuthorizationRequest? LastAuthorizationRequest => _authorizationRequests.LastOrDefault();

    public IReadOnlyList<OidcTokenRequest> TokenRequests => [.. _tokenRequests];

    public IReadOnlyList<OidcEndSessionRequest> EndSessionRequests => [.. _endSessionRequests];

    /// <summary>The id_tokens the token endpoint handed out, in order.</summary>
    public IReadOnlyList<string> IssuedIdTokens => [.. _idTokens];

    internal bool TryTakeScriptedStep(out OidcLogin? login) => _script.TryDequeue(out login);

    internal void Record(OidcAuthorizationRequest request) => _authorizationRequests.Enqueue(request);
    internal void Record(OidcTokenRequest request) => _tokenRequests.Enqueue(request);
    internal void Record(OidcEndSessionRequest request) => _endSessionRequests.Enqueue(request);
    internal void RecordIdToken(string idToken) => _idTokens.Enqueue(idToken);

    private async Task StartServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // OpenIddict says why it refused a request only in its log: ANNOTATOR_OIDC_LOG=1 shows it.
        if (Environment.GetEnvironmentVariable("ANNOTATOR_OIDC_LOG") == "1")
            builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ");
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOidcProviderServer(this);
        _app = builder.Build();
        _app.UseAuthentication(); // OpenIddict's server runs as an authentication handler
        _app.MapAuthorizationEndpoint(this);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _issuer = new Uri(address.TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
