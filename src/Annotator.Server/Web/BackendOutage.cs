using Annotator.Catalog;
using Annotator.Events;
using Annotator.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace Annotator.Server.Web;

/// <summary>
/// A request that failed because a backend is down (<see cref="BackendOutages"/>: the database restarting, the object
/// store or the broker gone, or the connection to one failing a moment ago) gets a <c>503</c> problem with
/// <c>Retry-After</c>, not a <c>500</c>: the client, a load balancer or a page may try again, and nothing was stored
/// half way. Anything else, with every backend answering, was this request's own and stays a <c>500</c>.
/// </summary>
public sealed class BackendOutage(IImageCatalog catalog, IObjectStore storage, IEventBus events, IProblemDetailsService problems, ILogger<BackendOutage> logger)
    : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested) return false;
        var down = await BackendOutages.BehindAsync(exception, ("catalog", catalog), ("object storage", storage), ("event bus", events));
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
}
