using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Annotator.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Annotator.Server.Access;

/// <summary>
/// <c>Authorization: Bearer ann_…</c>: a personal API token, found by its SHA-256. An unknown, revoked or expired token
/// fails (and counts against its address's limit: past it, such requests get <c>429</c>); when it was last used is written at most once a
/// minute per token and node, so a busy client does not turn every read into a write.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ITokenStore tokens, SignInLimiter limiter, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = "Token";
    public const string Prefix = "ann_";
    private static readonly TimeSpan UseRecordInterval = TimeSpan.FromMinutes(1);
    private static readonly ConcurrentDictionary<string, DateTimeOffset> LastRecorded = new();

    public static bool HasBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!HasBearer(Request)) return AuthenticateResult.NoResult();
        var secret = Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var now = time.GetUtcNow();
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || await tokens.FindAsync(Credentials.Hash(secret), now, Context.RequestAborted) is not var (token, user))
        {
            // A good token always works, even from an address that sent bad ones (behind a proxy, many clients share
            // one): past the limit, only the bad ones get 429 instead of 401. Guessing a 256-bit token is hopeless
            // anyway; the limit tells a broken or hostile client to stop.
            var address = Context.Connection.RemoteIpAddress?.ToString() ?? "";
            if (limiter.TokenFailuresExhausted(address) is { } wait) Context.Items[typeof(SignInLimiter)] = wait;
            else limiter.TokenFailed(address);
            return AuthenticateResult.Fail("the API token is unknown, revoked or expired");
        }
        await RecordUseAsync(token, now);
        var principal = AccessClaims.For(user, Name, "token", token);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Name));
    }

    private async Task RecordUseAsync(ApiToken token, DateTimeOffset now)
    {
        if (LastRecorded.TryGetValue(token.Id, out var last) && now - last < UseRecordInterval) return;
        LastRecorded[token.Id] = now;
        await tokens.MarkUsedAsync(token.Id, now, CancellationToken.None);
    }
}
