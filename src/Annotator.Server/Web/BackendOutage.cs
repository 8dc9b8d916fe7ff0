using System.Data.Common;
using System.Net.Sockets;
using Annotator.Catalog;
using Annotator.Events;
using Annotator.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace Annotator.Server.Web;

/// <summary>
/// A request that failed because a backend is down (the database restarting, the object store or the broker gone)
/// gets a <c>503</c> problem with <c>Retry-After</c>, not a <c>500</c>: the client, a load balancer or a page may try
/// again, and nothing was stored half way. After a failure the backends are asked, as readiness asks them (a short
/// check, only on the error path). A failure of the connection itself (a socket reset or refused, a timeout, a
/// database error its driver calls transient) is an outage too when every backend answers again by the time it is
/// asked: it was one a moment ago, and trying again is what helps. Anything else, with every backend answering, was
/// this request's own and stays a <c>500</c>.
/// </summary>
public sealed class BackendOutage(IImageCatalog catalog, IObjectStore storage, IEventBus events, IProblemDetailsService problems, ILogger<BackendOutage> logger)
    : IExceptionHandler
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested) return false;
        var down = await DownAsync() ?? ConnectionFailed(exception);
        if (down is null) return false;
        logger.LogWarning("{Method} {Path} failed while the {Backend} is unreachable: {Error}", context.Request.Method, context.Request.Path, down, exception.Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable",
                Detail = $"the {down} does not answer: try again in a few seconds",
            },
        });
    }

    /// <summary>The backend whose connection the exception (or one it wraps) says failed, or null when it says no such thing.</summary>
    private static string? ConnectionFailed(Exception exception)
    {
        var chain = new List<Exception>();
        for (Exception? e = exception; e is not null; e = e.InnerException) chain.Add(e);
        var connection = chain.Any(e => e is SocketException or IOException or TimeoutException or DbException { IsTransient: true });
        return !connection ? null : chain.Any(e => e is DbException) ? "catalog" : "backend";
    }

    /// <summary>The first backend that does not answer now, or null when all do.</summary>
    private async Task<string?> DownAsync()
    {
        foreach (var (name, backend) in new (string, IReachable)[] { ("catalog", catalog), ("object storage", storage), ("event bus", events) })
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
