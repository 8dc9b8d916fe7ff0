using Annotator.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Annotator.Server.Access;

/// <summary>
/// What a refused request gets. API calls: a <c>401</c> problem (with <c>WWW-Authenticate: Bearer</c>) when there is no
/// caller, a <c>403</c> problem naming the missing right when there is, a <c>429</c> with <c>Retry-After</c> when the
/// address sent too many bad tokens. Pages: the cookie handler's redirect to the sign-in page.
/// </summary>
public sealed class AccessResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _pages = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Succeeded || !IsApi(context.Request)) return _pages.HandleAsync(next, context, policy, result);
        if (context.Items[typeof(SignInLimiter)] is TimeSpan wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return Problem(context, StatusCodes.Status429TooManyRequests, "Too many requests", "too many requests with a bad API token from this address: wait and try again");
        }
        if (result.Challenged)
        {
            context.Response.Headers.WWWAuthenticate = TokenAuthenticationHandler.HasBearer(context.Request) ? "Bearer error=\"invalid_token\"" : "Bearer";
            return Problem(context, StatusCodes.Status401Unauthorized, "Sign-in required", TokenAuthenticationHandler.HasBearer(context.Request)
                ? "the API token is unknown, revoked or expired"
                : "sign in, or send an API token as Authorization: Bearer …");
        }
        var missing = result.AuthorizationFailure?.FailedRequirements.OfType<RightRequirement>().FirstOrDefault()?.Right ?? TokenScopes.Read;
        var who = context.User.Role() is { } role ? $"the role {role.Name()}" : "this account";
        var detail = context.User.FindFirst(AccessClaims.TokenId) is not null && context.User.Role()?.Allowed().HasFlag(missing) == true
            ? $"{context.Request.Method} {context.Request.Path} needs the '{missing.ToNames()[0]}' scope, which this token lacks"
            : $"{context.Request.Method} {context.Request.Path} needs the '{missing.ToNames()[0]}' right, which {who} lacks";
        return Problem(context, StatusCodes.Status403Forbidden, "Forbidden", detail);
    }

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi");

    private static Task Problem(HttpContext context, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
}
