using System.Security.Claims;
using Annotator.Access;

namespace Annotator.Server.Access;

/// <summary>
/// Whether the caller of a long request (a live event stream) is still signed in: its session not ended (signed out,
/// ended by an admin, expired) or its token not revoked or expired, and its account still enabled. Asked now and then,
/// so a stream opened before a sign-out stops carrying anything within one check.
/// </summary>
public sealed class StillSignedIn(ISessionStore sessions, ITokenStore tokens, IUserStore users, TimeProvider time)
{
    public async Task<bool> CheckAsync(ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (caller.FindFirstValue(AccessClaims.Session) is { } session)
            return await sessions.FindAsync(session, now, cancellationToken) is not null;
        if (caller.FindFirstValue(AccessClaims.TokenId) is { } tokenId)
            return await tokens.GetAsync(tokenId, cancellationToken) is { } token && token.ExpiresAt > now
                && await users.FindAsync(token.UserId, cancellationToken) is { Disabled: false };
        return false;
    }
}
