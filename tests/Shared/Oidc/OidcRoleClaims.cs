using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Annotator.Testing.Oidc;

/// <summary>
/// Keeps the roles one JSON array in the id_token, the access token and userinfo, even with a single role,
/// as Keycloak and Entra send them. Inside OpenIddict roles are one claim each (what it stores in the code);
/// a lone claim would be written as a plain string, which a relying party must not be left to cope with.
/// </summary>
internal static class OidcRoleClaims
{
    public static void Add(OpenIddictServerBuilder options, string roleClaim)
    {
        options.AddEventHandler<ProcessSignInContext>(handler => handler
            .UseInlineHandler(context =>
            {
                AsOneArray(context.AccessTokenPrincipal, roleClaim);
                AsOneArray(context.IdentityTokenPrincipal, roleClaim);
                return default;
            })
            .SetOrder(PrepareIdentityTokenPrincipal.Descriptor.Order + 2)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<HandleUserInfoRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (context.AccessTokenPrincipal is { } principal)
                    context.Claims[roleClaim] = new OpenIddictParameter(JsonSerializer.SerializeToElement(RolesOf(principal, roleClaim)));
                return default;
            }));
    }

    private static void AsOneArray(ClaimsPrincipal? principal, string roleClaim)
    {
        if (principal?.Identity is not ClaimsIdentity identity) return;
        var roles = RolesOf(principal, roleClaim);
        foreach (var claim in identity.FindAll(roleClaim).ToList()) identity.RemoveClaim(claim);
        identity.AddClaim(new Claim(roleClaim, JsonSerializer.Serialize(roles), JsonClaimValueTypes.JsonArray));
    }

    private static string[] RolesOf(ClaimsPrincipal principal, string roleClaim) =>
        [.. principal.FindAll(roleClaim).SelectMany(c => c.ValueType == JsonClaimValueTypes.JsonArray
            ? JsonSerializer.Deserialize<string[]>(c.Value) ?? []
            : [c.Value])];
}
