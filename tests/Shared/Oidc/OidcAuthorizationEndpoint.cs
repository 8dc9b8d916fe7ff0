using Microsoft.AspNetCore;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Annotator.Testing.Oidc;

/// <summary>
/// The authorization endpoint's user at the keyboard, after OpenIddict validated the request (client,
/// redirect URI, PKCE): a scripted step if one is queued, else the login form, and the form's answer.
/// </summary>
internal static class OidcAuthorizationEndpoint
{
    public static void MapAuthorizationEndpoint(this WebApplication app, OidcProvider provider) =>
        app.MapMethods("/" + OidcServerSetup.AuthorizationPath, ["GET", "POST"], (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()
                ?? throw new InvalidOperationException("OpenIddict passed on an authorization request it had not read.");

            switch ((string?)request[OidcLoginForm.ActionField])
            {
                case OidcLoginForm.Refuse:
                    return Refuse(Errors.AccessDenied, "The user refused to sign in.");
                case OidcLoginForm.SignIn:
                    var name = ((string?)request[OidcLoginForm.UserNameField])?.Trim();
                    if (string.IsNullOrEmpty(name)) return OidcLoginForm.Render(request, "Enter a user name.");
                    return SignIn(provider, request, provider.Users.TryGetValue(name, out var known)
                        ? known
                        : new OidcLogin(name, name, $"{name}@example.test") { PreferredUsername = name });
            }

            if (provider.TryTakeScriptedStep(out var login))
                return login is null ? Refuse(Errors.AccessDenied, "The user refused to sign in.") : SignIn(provider, request, login);

            // prompt=none forbids showing anything: with no session to reuse, the answer is login_required.
            if (request.HasPromptValue(PromptValues.None))
                return Refuse(Errors.LoginRequired, "The user is not signed in.");

            return OidcLoginForm.Render(request, message: null);
        });

    private static IResult SignIn(OidcProvider provider, OpenIddictRequest request, OidcLogin login)
    {
        var identity = new ClaimsIdentity(authenticationType: "OidcProvider", nameType: Claims.Name, roleType: provider.RoleClaim);
        identity.SetClaim(Claims.Subject, login.Subject)
            .SetClaim(Claims.Name, login.Name)
            .SetClaim(Claims.PreferredUsername, login.UserName)
            .SetClaim(Claims.Email, login.Email)
            .SetClaims(provider.RoleClaim, [.. login.Roles]); // one claim each; OidcRoleClaims writes them as one array
        identity.SetScopes(request.GetScopes());
        identity.SetIdentityTokenLifetime(login.IdTokenLifetime ?? provider.IdTokenLifetime);
        // Without a destination OpenIddict keeps a claim out of every token; the relying party reads the
        // id_token, an API might read the (unencrypted) access token, so each claim goes to both.
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Redirects back to the relying party with <paramref name="error"/>, as a provider does.</summary>
    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
