using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Annotator.Server.Access;

/// <summary>
/// The brute-force limits that ASP.NET Core's per-endpoint rate limiter cannot express, with the same
/// System.Threading.RateLimiting windows: failed sign-ins per account (only failures count, so an attacker cannot lock
/// an owner out by merely trying, only by failing, and then only for one window) and failed token uses per address.
/// Per node: behind a load balancer of N nodes an attacker gets at most N times the limit.
/// </summary>
public sealed class SignInLimiter(IOptions<AuthOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _accounts = PartitionedRateLimiter.Create<string, string>(name =>
        RateLimitPartition.GetFixedWindowLimiter(name, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedSignInsPerAccount, Window = TimeSpan.FromMinutes(15), QueueLimit = 0,
        }));

    private readonly PartitionedRateLimiter<string> _tokens = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedTokensPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    /// <summary>How long the account must wait when it has failed too often, else null.</summary>
    public TimeSpan? AccountExhausted(string userKey) => Exhausted(_accounts, userKey, TimeSpan.FromMinutes(15));

    public void AccountFailed(string userKey) => _accounts.AttemptAcquire(userKey).Dispose();

    public TimeSpan? TokenFailuresExhausted(string address) => Exhausted(_tokens, address, TimeSpan.FromMinutes(1));

    public void TokenFailed(string address) => _tokens.AttemptAcquire(address).Dispose();

    // Asking for zero permits tells whether any are left without using one.
    private static TimeSpan? Exhausted(PartitionedRateLimiter<string> limiter, string key, TimeSpan window)
    {
        using var lease = limiter.AttemptAcquire(key, 0);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : window;
    }

    public void Dispose()
    {
        _accounts.Dispose();
        _tokens.Dispose();
    }
}
