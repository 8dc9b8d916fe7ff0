using System.Security.Claims;
using Annotator.Access;
using Annotator.Server.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Annotator.Server.Api;

/// <summary>Sign-in, sign-out, who am I, and the first admin's setup.</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Access");
        auth.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(AccessSetup.SignInLimit)
            .WithSummary("Sign in with a user name and password; answers the account and sets the session cookie")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/logout", LogoutAsync).AllowAnonymous().WithSummary("End this browser's session");
        auth.MapPost("/password", ChangePasswordAsync).RequireAuthorization(Rights.SignedIn).RequireRateLimiting(AccessSetup.SignInLimit)
            .WithSummary("Change my password: { currentPassword, newPassword }; every other session of mine ends")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        auth.MapGet("/me", Me).RequireAuthorization(Rights.SignedIn).WithSummary("The caller: account, role, rights, and whether by session or token");
        auth.MapGet("/sso", SingleSignOn.Challenge).AllowAnonymous().RequireRateLimiting(AccessSetup.SignInLimit)
            .WithSummary("Sign in with the configured OpenID Connect provider, then come back to returnUrl (a path of this site)");
        auth.MapGet("/options", OptionsAsync).AllowAnonymous().WithSummary("What the sign-in page offers: whether setup is needed, single sign-on");
        auth.MapPost("/setup", SetupAsync).AllowAnonymous().RequireRateLimiting(AccessSetup.SignInLimit)
            .WithSummary("Make the first admin with the one-time code of the setup link the server logged at its first start")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public sealed record LoginBody(string? UserName, string? Password);

    public sealed record PasswordBody(string? CurrentPassword, string? NewPassword);

    public sealed record SetupBody(string? Code, string? UserName, string? Password);

    public sealed record OptionsDto(bool SetupNeeded, SsoDto? Sso);

    public sealed record SsoDto(string Name, string Url);

    private static async Task<Results<Ok<MeDto>, ProblemHttpResult>> LoginAsync(LoginBody body, HttpContext context, IUserStore users, SignInLimiter limiter, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.UserName) || string.IsNullOrEmpty(body.Password))
            return Problems.BadRequest("send { \"userName\": …, \"password\": … }");
        var key = User.Key(body.UserName);
        if (limiter.AccountExhausted(key) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString();
            return Problems.Of(StatusCodes.Status429TooManyRequests, "Too many attempts", $"too many failed sign-ins for this account: try again in {seconds} s");
        }
        var user = body.UserName.Length <= Credentials.MaxUserNameLength ? await users.FindByNameAsync(body.UserName, cancellationToken) : null;
        if (!Credentials.Verify(user, body.Password))
        {
            limiter.AccountFailed(key);
            await context.RecordAsync("auth.sign-in-failed", user?.Id, $"as {Truncate(body.UserName)}");
            return Problems.Of(StatusCodes.Status401Unauthorized, "Sign-in failed", "the user name or password is wrong");
        }
        await SignInAsync(context, user!);
        return TypedResults.Ok(MeOf(user!, "session"));
    }

    internal static async Task SignInAsync(HttpContext context, User user)
    {
        // The cookie handler stores the session (SessionTicketStore) and sets the cookie; the principal is rebuilt from
        // the account on every request.
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            AccessClaims.For(user, CookieAuthenticationDefaults.AuthenticationScheme, "session"));
        context.User = AccessClaims.For(user, CookieAuthenticationDefaults.AuthenticationScheme, "session");
        await context.RecordAsync("auth.sign-in", user.Id);
    }

    private static async Task<NoContent> LogoutAsync(HttpContext context, ClaimsPrincipal user)
    {
        if (user.UserId() is { } id) await context.RecordAsync("auth.sign-out", id);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// A person changes their own password with the current one (a stolen session or token alone cannot lock its owner
    /// out). Every other session of the account ends: a thief's copy stops working.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        PasswordBody body, HttpContext context, IUserStore users, ISessionStore sessions, SignInLimiter limiter, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(body.CurrentPassword) || body.NewPassword is null)
            return Problems.BadRequest("send { \"currentPassword\": …, \"newPassword\": … }");
        if (await users.FindAsync(context.User.UserId()!, cancellationToken) is not { } user) return Problems.NotFound("this account is gone");
        if (user.PasswordHash is null) return Problems.BadRequest("this account signs in with single sign-on and has no password here");
        var key = User.Key(user.UserName);
        if (limiter.AccountExhausted(key) is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return Problems.Of(StatusCodes.Status429TooManyRequests, "Too many attempts", "too many wrong passwords for this account: try again later");
        }
        if (!Credentials.Verify(user, body.CurrentPassword))
        {
            limiter.AccountFailed(key);
            return Problems.Of(StatusCodes.Status403Forbidden, "Wrong password", "the current password is wrong");
        }
        if (Credentials.CheckPassword(body.NewPassword) is { } badPassword) return Problems.BadRequest(badPassword);
        var changed = user with { PasswordHash = Credentials.HashPassword(body.NewPassword!) };
        if (!await users.UpdateAsync(changed, Audit.Of(context, "user.password", user.Id, $"{user.UserName}: changed their password"), cancellationToken))
            return Problems.NotFound("this account is gone");
        await sessions.RemoveAllAsync(user.Id, cancellationToken, context.User.FindFirstValue(AccessClaims.Session));
        return TypedResults.NoContent();
    }

    private static Ok<MeDto> Me(ClaimsPrincipal user) => TypedResults.Ok(new MeDto(
        user.UserId()!, user.UserName()!, user.Role()!.Value.Name(), user.Rights().ToNames(),
        user.FindFirstValue(AccessClaims.Via) ?? "session", user.HasClaim(AccessClaims.Sso, "true")));

    internal static MeDto MeOf(User user, string via) =>
        new(user.Id, user.UserName, user.Role.Name(), user.Role.Allowed().ToNames(), via, user.Issuer is not null);

    private static async Task<Ok<OptionsDto>> OptionsAsync(IUserStore users, IServiceProvider services, CancellationToken cancellationToken) =>
        TypedResults.Ok(new OptionsDto(!await users.AnyAsync(cancellationToken), SingleSignOn.Describe(services)));

    private static async Task<Results<Created<MeDto>, ProblemHttpResult>> SetupAsync(SetupBody body, HttpContext context, IUserStore users, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Code)) return Problems.BadRequest("the setup code is missing: open the setup link the server logged at its first start");
        if (Credentials.CheckUserName(body.UserName) is { } badName) return Problems.BadRequest(badName);
        if (Credentials.CheckPassword(body.Password) is { } badPassword) return Problems.BadRequest(badPassword);
        var now = time.GetUtcNow();
        var admin = new User { Id = User.NewId(), UserName = body.UserName!.Trim(), Role = Role.Admin, PasswordHash = Credentials.HashPassword(body.Password!), CreatedAt = now };
        var audit = new AuditEntry(0, now, admin.Id, admin.UserName, "user.create", admin.Id, $"{admin.UserName} (admin), the first admin, by the setup link",
            context.Connection.RemoteIpAddress?.ToString());
        if (!await users.AddFirstAsync(admin, Credentials.Hash(body.Code.Trim()), now, audit, cancellationToken))
            return Problems.Of(StatusCodes.Status403Forbidden, "Setup refused",
                "the setup code is wrong, used or expired, or the server has an admin already: sign in instead, or restart the server (with no account) for a new link");
        await SignInAsync(context, admin);
        return TypedResults.Created("/api/auth/me", MeOf(admin, "session"));
    }

    private static string Truncate(string text) => text.Length <= Credentials.MaxUserNameLength ? text : text[..Credentials.MaxUserNameLength] + "…";
}
