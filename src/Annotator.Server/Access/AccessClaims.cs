using System.Security.Claims;
using Annotator.Access;

namespace Annotator.Server.Access;

/// <summary>
/// The claims of a signed-in caller, made from the account as it is now (a role changed since sign-in counts at once),
/// and what they allow: the role's rights, narrowed to its scopes for an API token.
/// </summary>
public static class AccessClaims
{
    public const string Via = "annotator:via";
    public const string Scopes = "annotator:scopes";
    public const string TokenId = "annotator:token";
    public const string Sso = "annotator:sso";
    /// <summary>The SHA-256 of the session id (as stored; not the cookie's secret), so a long request can check it still holds.</summary>
    public const string Session = "annotator:session";

    public static ClaimsPrincipal For(User user, string authenticationType, string via, ApiToken? token = null, string? sessionHash = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.Role, user.Role.Name()),
            new(Via, via),
        };
        if (user.Issuer is not null) claims.Add(new(Sso, "true"));
        if (sessionHash is not null) claims.Add(new(Session, sessionHash));
        if (token is not null)
        {
            claims.Add(new(TokenId, token.Id));
            claims.Add(new(Scopes, ((int)token.Scopes).ToString()));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static string? UserId(this ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string? UserName(this ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.Name);

    public static Role? Role(this ClaimsPrincipal principal) =>
        Roles.TryParse(principal.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;

    /// <summary>What the caller may do: nothing signed out; the role's rights; for a token, only those of its scopes.</summary>
    public static TokenScopes Rights(this ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.Role() is not { } role) return TokenScopes.None;
        var rights = role.Allowed();
        if (int.TryParse(principal.FindFirstValue(Scopes), out var scopes)) rights &= (TokenScopes)scopes;
        return rights;
    }
}
