namespace Annotator.Server.Web;

/// <summary>
/// Refuses state changes that a browser sends on behalf of another site: a form post or a no-cors fetch
/// from any page a user visits could otherwise upload, delete or re-caption with a paid model. Browsers
/// say where a request comes from: <c>Sec-Fetch-Site</c> (every current browser) or else <c>Origin</c>;
/// a request with neither is not from a browser page (curl, scripts, other servers) and is let through,
/// as Go's <c>http.CrossOriginProtection</c> does. Reads are never refused; they change nothing.
/// </summary>
public static class CrossSiteProtection
{
    public static IApplicationBuilder UseCrossSiteProtection(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return next(context);
        if (IsSameSite(request)) return next(context);

        var from = request.Headers.Origin.ToString() is { Length: > 0 } origin ? origin : "another site";
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused",
            detail: $"{request.Method} {request.Path} was sent by a page of {from}: Annotator takes changes only from its own pages or from API clients")
            .ExecuteAsync(context);
    });

    private static bool IsSameSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0) return site is "same-origin" or "none"; // "none": typed in the address bar, a bookmark
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
