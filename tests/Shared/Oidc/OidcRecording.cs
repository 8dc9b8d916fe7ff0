using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Annotator.Testing.Oidc;

/// <summary>
/// Records each request once OpenIddict has read it (query or form alike), before any validation can stop
/// it, so a test can assert on what the relying party sent even when the provider refused it.
/// </summary>
internal static class OidcRecording
{
    public static void Add(OpenIddictServerBuilder options, OidcProvider provider)
    {
        options.AddEventHandler<ExtractAuthorizationRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                // The login form posts the request back with its own fields: that is the user, not the relying party.
                if (context.Request is { } request && request[OidcLoginForm.ActionField] is null)
                    provider.Record(new OidcAuthorizationRequest(ParametersOf(request)));
                return default;
            })
            .SetOrder(int.MaxValue)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ExtractTokenRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (context.Request is not { } request) return default;
                var basic = context.Transaction.GetHttpRequest()?.Headers.Authorization.ToString()
                    .StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) == true;
                var method = basic ? "client_secret_basic" : request.ClientSecret is not null ? "client_secret_post" : "none";
                provider.Record(new OidcTokenRequest(ParametersOf(request), method));
                return default;
            })
            .SetOrder(int.MaxValue)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ExtractEndSessionRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (context.Request is { } request) provider.Record(new OidcEndSessionRequest(ParametersOf(request)));
                return default;
            })
            .SetOrder(int.MaxValue)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ApplyTokenResponseContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (context.Response.IdToken is { } idToken) provider.RecordIdToken(idToken);
                return default;
            })
            .SetOrder(int.MinValue)
            .SetType(OpenIddictServerHandlerType.Custom));
    }

    private static Dictionary<string, string> ParametersOf(OpenIddictRequest request) =>
        request.GetParameters()
            .Where(p => p.Key != OpenIddictConstants.Parameters.ClientSecret)
            .ToDictionary(p => p.Key, p => p.Value.ToString() ?? "", StringComparer.Ordinal);
}
