using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Annotator.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Annotator.Server.Access;

/// <summary>
/// <c>Authorization: Bearer ann_…</c>: a personal API token, found by its SHA-256. An unknown, revoked or expired token
/// fails (and counts against its address's limit: past it, <c>429</c>); when it was last used is written at most once a
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
        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "";
        if (limiter.TokenFailuresExhausted(address) is { } wait)
        {
            Context.Items[typeof(SignInLimiter)] = wait;
            return AuthenticateResult.Fail("too many requests with a bad API token from this address");
        }
        var secret = Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var now = time.GetUtcNow();
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || await tokens.FindAsync(Credentials.Hash(secret), now, Context.RequestAborted) is not var (token, user))
        {
            limiter.TokenFailed(address);
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
