using Annotator.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Annotator.Server.Access;

/// <summary>
/// Cookie sessions kept in the catalog (<see cref="ISessionStore"/>): the cookie holds only a random session id, and
/// each request rebuilds the caller from the session's account as it is now. So signing out, an admin ending a user's
/// sessions, disabling the account or changing its role takes effect on every node at the next request.
/// </summary>
public sealed class SessionTicketStore(ISessionStore sessions, TimeProvider time) : ITicketStore
{
    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, null!, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var userId = ticket.Principal.UserId() ?? throw new InvalidOperationException("A session needs an account.");
        var id = Credentials.NewSecret("");
        var now = time.GetUtcNow();
        var expires = ticket.Properties.ExpiresUtc ?? now.AddHours(12);
        await sessions.AddAsync(new Session(Credentials.Hash(id), userId, now, expires, httpContext?.Connection.RemoteIpAddress?.ToString()), cancellationToken);
        return id;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    public Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken) =>
        ticket.Properties.ExpiresUtc is { } expires ? sessions.RenewAsync(Credentials.Hash(key), expires, cancellationToken) : Task.CompletedTask;

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        if (await sessions.FindAsync(Credentials.Hash(key), time.GetUtcNow(), cancellationToken) is not var (session, user)) return null;
        var principal = AccessClaims.For(user, CookieAuthenticationDefaults.AuthenticationScheme, "session", sessionHash: session.IdHash);
        var properties = new AuthenticationProperties { IssuedUtc = session.CreatedAt, ExpiresUtc = session.ExpiresAt, AllowRefresh = true };
        return new AuthenticationTicket(principal, properties, CookieAuthenticationDefaults.AuthenticationScheme);
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    public Task RemoveAsync(string key, CancellationToken cancellationToken) => sessions.RemoveAsync(Credentials.Hash(key), cancellationToken);
}
