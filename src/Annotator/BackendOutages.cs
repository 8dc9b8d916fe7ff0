using System.Data.Common;
using System.Net.Sockets;

namespace Annotator;

/// <summary>
/// Tells a failure caused by a backend being down (the database restarting, the object store or the broker gone)
/// from one of the work's own. After a failure the backends are asked, as readiness asks them (a short check, only on
/// the error path). A failure of the connection itself (a socket reset or refused, a timeout, a database error its
/// driver calls transient) is an outage too when every backend answers again by the time it is asked: it was one a
/// moment ago, and trying again is what helps. The web tier answers an outage with a 503; a function waits it out.
/// </summary>
public static class BackendOutages
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The name of the backend behind <paramref name="failure"/>, or null when the failure was the work's own.</summary>
    public static async Task<string?> BehindAsync(Exception failure, params (string Name, IReachable Backend)[] backends) =>
        await FirstDownAsync(backends) ?? ConnectionFailed(failure);

    /// <summary>The backend whose connection the exception (or one it wraps) says failed, or null when it says no such thing.</summary>
    private static string? ConnectionFailed(Exception exception)
    {
        var chain = new List<Exception>();
        for (Exception? e = exception; e is not null; e = e.InnerException) chain.Add(e);
        var connection = chain.Any(e => e is SocketException or IOException or TimeoutException or DbException { IsTransient: true });
        return !connection ? null : chain.Any(e => e is DbException) ? "catalog" : "backend";
    }

    /// <summary>The first backend that does not answer now, or null when all do.</summary>
    private static async Task<string?> FirstDownAsync((string Name, IReachable Backend)[] backends)
    {
        foreach (var (name, backend) in backends)
        {
            using var timeout = new CancellationTokenSource(CheckTimeout);
            try
            {
                await backend.CheckAsync(timeout.Token);
            }
            catch (Exception)
            {
                return name;
            }
        }
        return null;
    }
}
