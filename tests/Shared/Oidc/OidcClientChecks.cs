using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Annotator.Testing.Oidc;

/// <summary>
/// What OpenIddict's application store would check, done here because degraded mode has no store: the
/// client is the registered one, it comes back only to a registered redirect URI, it proves its secret at the
/// token endpoint, and a logout returns only to a registered post-logout URI. A request failing these is
/// refused with an error page, never redirected: an unregistered URI must not receive anything.
/// </summary>
internal static class OidcClientChecks
{
    public static void Add(OpenIddictServerBuilder options, OidcProvider provider)
    {
        options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (context.ClientId != provider.Client.Id)
                    context.Reject(Errors.InvalidClient, "The client_id is not registered with this provider.");
                else if (!provider.Client.IsRedirectUri(context.RedirectUri))
                    context.Reject(Errors.InvalidRequest, "The redirect_uri is not registered for this client.");
                return default;
            })
            .SetOrder(Authentication.ValidateRedirectUriParameter.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));

        // Before the code is looked at, as a provider authenticates the client first (RFC 6749 §4.1.3).
        options.AddEventHandler<ValidateTokenRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (context.ClientId != provider.Client.Id || !SameSecret(context.ClientSecret, provider.Client.Secret))
                    context.Reject(Errors.InvalidClient, "The client could not be authenticated.");
                return default;
            })
            .SetOrder(Exchange.ValidateAuthentication.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ValidateEndSessionRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (!string.IsNullOrEmpty(context.PostLogoutRedirectUri) && !provider.Client.IsPostLogoutRedirectUri(context.PostLogoutRedirectUri))
                    context.Reject(Errors.InvalidRequest, "The post_logout_redirect_uri is not registered for this client.");
                return default;
            })
            .SetOrder(Session.ValidatePostLogoutRedirectUriParameter.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));

        // No consent or session to end here: the relying party is sent straight back.
        options.AddEventHandler<HandleEndSessionRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                context.SignOut();
                return default;
            }));
    }

    private static bool SameSecret(string? given, string expected) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
