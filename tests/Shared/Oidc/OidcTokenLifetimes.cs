using OpenIddict.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Annotator.Testing.Oidc;

/// <summary>
/// Lets a login carry a negative id_token lifetime (<see cref="OidcLogin.WithExpiredIdToken"/>): OpenIddict
/// computes expiry = now + lifetime, already past; this moves the issue time before it too, since a token
/// that expires before it is issued is malformed rather than expired. The lifetime itself travels inside the
/// authorization code (OpenIddict keeps it there), so the token endpoint sees the login's choice.
/// </summary>
internal static class OidcTokenLifetimes
{
    public static void Add(OpenIddictServerBuilder options) =>
        options.AddEventHandler<ProcessSignInContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (context.IdentityTokenPrincipal is { } principal
                    && principal.GetCreationDate() is { } issued && principal.GetExpirationDate() is { } expires && expires <= issued)
                    principal.SetCreationDate(expires - TimeSpan.FromMinutes(5));
                return default;
            })
            .SetOrder(PrepareIdentityTokenPrincipal.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
}
