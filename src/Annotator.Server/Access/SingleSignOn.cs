using System.Security.Claims;
using System.Text.Json;
using Annotator.Access;
using Annotator.Server.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Annotator.Server.Access;

/// <summary>
/// Single sign-on with ASP.NET Core's OpenID Connect handler: authorization code with PKCE, claims from the ID token.
/// A person is found by the provider's issuer and subject (an account is made at the first sign-in, named after
/// <c>preferred_username</c>, else the e-mail address), gets the role the role claim maps to, and signs into the same
/// server-side cookie session as a local account. A refused or failed sign-in comes back to the sign-in page with one line.
/// </summary>
public static class SingleSignOn
{
    public const string Scheme = "oidc";
    public const string CallbackPath = "/signin-oidc";

    public static IServiceCollection AddSingleSignOn(this IServiceCollection services, IConfiguration configuration, AuthenticationBuilder authentication)
    {
        var section = configuration.GetSection(OidcOptions.Section);
        services.AddOptions<OidcOptions>().Bind(section)
            .PostConfigure(o =>
            {
                var secret = o.ClientSecret;
                o.SecretFileError = SecretFile.Read(configuration, OidcOptions.Section + ":ClientSecret", ref secret);
                o.ClientSecret = secret;
            })
            .ValidateDataAnnotations().ValidateOnStart();
        if (string.IsNullOrWhiteSpace(section["Authority"])) return services;

        authentication.AddOpenIdConnect(Scheme, _ => { });
        services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<OidcOptions>>((o, settings) =>
        {
            var oidc = settings.Value;
            o.Authority = oidc.Authority;
            o.ClientId = oidc.ClientId;
            o.ClientSecret = oidc.ClientSecret;
            o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            // The code comes back in the query of a top-level GET: the correlation and nonce cookies can then be Lax
            // (a form_post back from the provider is a cross-site POST, which neither Lax cookies nor Fetch Metadata allow).
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            // The handler's default for both is Secure always: over plain http (a server on loopback, or behind a
            // proxy that does not say it is HTTPS) the browser then never sends them back and every sign-in ends in
            // "Correlation failed". Lax cookies need not be Secure; like the session cookie, they are Secure whenever
            // the request came over HTTPS.
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.CallbackPath = CallbackPath;
            o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.MapInboundClaims = false;
            o.SaveTokens = false; // the provider's tokens are not needed after sign-in, so they are not kept in the session
            o.GetClaimsFromUserInfoEndpoint = false;
            o.Scope.Clear();
            o.Scope.Add("openid");
            foreach (var scope in oidc.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)) o.Scope.Add(scope);
            o.Events.OnTokenValidated = SignedInAsync;
            o.Events.OnRemoteFailure = context =>
            {
                var message = FailureMessage(context.Failure);
                context.Response.Redirect($"{context.Request.PathBase}/signin?error={Uri.EscapeDataString(FirstLine($"{oidc.DisplayName}: {message}"))}");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>What the sign-in page shows for it, or null when none is configured.</summary>
    public static AuthApi.SsoDto? Describe(IServiceProvider services) =>
        services.GetRequiredService<IOptions<OidcOptions>>().Value is { Enabled: true } oidc
            ? new AuthApi.SsoDto(oidc.DisplayName, "/api/auth/sso?returnUrl=%2F")
            : null;

    /// <summary><c>GET /api/auth/sso?returnUrl=</c>: off to the provider, and back to <paramref name="returnUrl"/> (a path of this site only).</summary>
    public static IResult Challenge(IOptions<OidcOptions> options, string? returnUrl = null)
    {
        if (!options.Value.Enabled) return Problems.NotFound("single sign-on is not configured on this server");
        var back = IsLocalPath(returnUrl) ? returnUrl! : "/";
        return Results.Challenge(new AuthenticationProperties { RedirectUri = back }, [Scheme]);
    }

    private static async Task SignedInAsync(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var oidc = services.GetRequiredService<IOptions<OidcOptions>>().Value;
        var users = services.GetRequiredService<IUserStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var principal = context.Principal!;
        var issuer = principal.FindFirstValue("iss") ?? oidc.Authority!;
        var subject = principal.FindFirstValue("sub");
        if (subject is null)
        {
            context.Fail("the provider's ID token has no subject (sub)");
            return;
        }
        if (oidc.RoleFor(ClaimValues(principal, oidc.RoleClaim)) is not { } role)
        {
            context.Fail($"your account there has no Annotator role (claim '{oidc.RoleClaim}'): ask an admin to give you one");
            return;
        }
        var cancellationToken = context.HttpContext.RequestAborted;
        var user = await users.FindByLoginAsync(issuer, subject, cancellationToken);
        if (user is null)
        {
            user = new User
            {
                Id = User.NewId(), UserName = await FreeNameAsync(users, principal, cancellationToken), Role = role,
                Issuer = issuer, Subject = subject, CreatedAt = time.GetUtcNow(),
            };
            var audit = Audit.Of(context.HttpContext, "user.create", user.Id, $"{user.UserName} ({role.Name()}), at the first single sign-on") with { ActorId = user.Id, ActorName = user.UserName };
            if (!await users.AddAsync(user, audit, cancellationToken))
            {
                context.Fail("could not make an account for this sign-in: try again");
                return;
            }
        }
        else if (user.Disabled)
        {
            context.Fail("this account is disabled");
            return;
        }
        else if (user.Role != role)
        {
            var before = user.Role;
            user = user with { Role = role };
            await users.UpdateAsync(user, Audit.Of(context.HttpContext, "user.change", user.Id, $"{user.UserName}: role {before.Name()} → {role.Name()}, from {oidc.DisplayName}")
                with { ActorId = user.Id, ActorName = user.UserName }, cancellationToken);
        }
        context.Principal = AccessClaims.For(user, CookieAuthenticationDefaults.AuthenticationScheme, "session");
        context.HttpContext.User = context.Principal;
        await context.HttpContext.RecordAsync("auth.sign-in", user.Id, $"with {oidc.DisplayName}");
    }

    /// <summary>A role claim may be one string, an array (one claim per value, or a JSON array in one), or space-separated.</summary>
    private static IEnumerable<string> ClaimValues(ClaimsPrincipal principal, string type)
    {
        foreach (var claim in principal.FindAll(type))
        {
            var value = claim.Value.Trim();
            if (value.StartsWith('['))
            {
                string[]? values = null;
                try { values = JsonSerializer.Deserialize<string[]>(value); } catch (JsonException) { }
                foreach (var v in values ?? []) yield return v;
            }
            else
            {
                foreach (var v in value.Split(' ', StringSplitOptions.RemoveEmptyEntries)) yield return v;
            }
        }
    }

    /// <summary><c>preferred_username</c>, else the e-mail address, else the subject; made valid, and unique with a number.</summary>
    private static async Task<string> FreeNameAsync(IUserStore users, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var wanted = principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue("email") ?? principal.FindFirstValue("sub")!;
        var name = new string([.. wanted.Where(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '@')]);
        if (name.Length == 0) name = "user";
        if (name.Length > Credentials.MaxUserNameLength - 4) name = name[..(Credentials.MaxUserNameLength - 4)];
        var candidate = name;
        for (var n = 2; await users.FindByNameAsync(candidate, cancellationToken) is not null; n++) candidate = $"{name}-{n}";
        return candidate;
    }

    /// <summary>
    /// The one line a person is shown for a failed sign-in. The provider's own error (access_denied and its
    /// description) is in the exception's Data, not in the sign-in's properties where this used to look for it (so
    /// the handler's "Message contains error: …, error_uri: 'error_uri is null'" was shown); an expired or otherwise
    /// invalid ID token gets words of its own rather than the IDX message with "[PII … is hidden]" placeholders.
    /// </summary>
    internal static string FailureMessage(Exception? failure)
    {
        switch (failure)
        {
            case null:
                return "the sign-in failed";
            case OpenIdConnectProtocolException when failure.Data["error"] is string { Length: > 0 } error:
                return failure.Data["error_description"] is string { Length: > 0 } description ? $"{description} ({error})" : error;
            case SecurityTokenExpiredException:
                return "the provider's ID token has expired (are the clocks of this server and the provider right?)";
            case SecurityTokenException:
                return $"the provider's ID token is not valid ({failure.GetType().Name})";
            default:
                return failure.Message;
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    /// <summary>A path of this site, by the rules of wwwroot/js/return-url.js: one leading '/', no backslash and no
    /// control character (a browser drops tabs and newlines, so "/\t/evil.example" would be "//evil.example").</summary>
    internal static bool IsLocalPath(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//") && !url.Contains('\\') && !url.Any(char.IsControl);
}
