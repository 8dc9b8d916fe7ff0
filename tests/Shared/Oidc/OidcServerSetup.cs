using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Annotator.Testing.Oidc;

/// <summary>
/// OpenIddict's server as a small public provider is configured: code flow with PKCE only, throw-away keys,
/// readable (signed, not encrypted) access tokens, plain http on loopback. Degraded mode: there is no
/// database of clients and tokens, so <see cref="OidcClientChecks"/> does the client checks a store would,
/// and codes are self-contained (encrypted) tokens.
/// </summary>
internal static class OidcServerSetup
{
    public const string AuthorizationPath = "connect/authorize";

    public static IServiceCollection AddOidcProviderServer(this IServiceCollection services, OidcProvider provider)
    {
        services.AddOpenIddict().AddServer(options =>
        {
            options.SetAuthorizationEndpointUris(AuthorizationPath)
                .SetTokenEndpointUris("connect/token")
                .SetUserInfoEndpointUris("connect/userinfo")
                .SetEndSessionEndpointUris("connect/endsession");

            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            // OpenIddict also accepts "plain"; S256 only, as a relying party must be made to use it.
            options.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
            options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles);
            options.RegisterClaims(Claims.Subject, Claims.Name, Claims.PreferredUsername, Claims.Email, provider.RoleClaim);

            // Keys live as long as the provider: a relying party must fetch them from the JWKS, as in production.
            options.AddEphemeralSigningKey().AddEphemeralEncryptionKey();
            options.DisableAccessTokenEncryption();

            options.EnableDegradedMode();
            OidcClientChecks.Add(options, provider);
            OidcRecording.Add(options, provider);
            OidcTokenLifetimes.Add(options);
            OidcRoleClaims.Add(options, provider.RoleClaim);

            options.UseAspNetCore()
                .DisableTransportSecurityRequirement() // http on loopback
                .EnableAuthorizationEndpointPassthrough(); // the user at the keyboard: OidcAuthorizationEndpoint
        });

        // The port is known only once Kestrel bound it; OpenIddict reads its options at the first request.
        services.AddOptions<OpenIddictServerOptions>().Configure(o => o.Issuer = provider.IssuerOrNull);
        return services;
    }
}
