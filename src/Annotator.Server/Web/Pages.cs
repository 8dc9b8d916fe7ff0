using Annotator.Server.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Rewrite;

namespace Annotator.Server.Web;

/// <summary>
/// The pages are static files with friendly addresses, rewritten before routing. Who may load which: the sign-in and
/// setup pages anyone; every other page an account that may read (a signed-out browser is sent to sign in first); the
/// users and audit pages an admin. Scripts, styles and icons hold no data and load for anyone, so the sign-in page works.
/// </summary>
public static class Pages
{
    private static readonly Dictionary<string, string> Addresses = new()
    {
        ["^$"] = "index.html",
        ["^images/[0-9a-f-]{36}$"] = "image.html",
        ["^review$"] = "review.html",
        ["^signin$"] = "signin.html",
        ["^setup$"] = "setup.html",
        ["^users$"] = "users.html",
        ["^tokens$"] = "tokens.html",
        ["^audit$"] = "audit.html",
    };

    private static readonly Dictionary<string, string?> PagePolicies = new(StringComparer.OrdinalIgnoreCase)
    {
        ["signin.html"] = null,
        ["setup.html"] = null,
        ["users.html"] = Rights.Admin,
        ["audit.html"] = Rights.Admin,
    };

    /// <summary>The address a page was asked for, before its rewrite: where sign-in sends the browser back to.</summary>
    public static string AskedFor(HttpContext context) =>
        context.Items[typeof(Pages)] as string ?? context.Request.PathBase + context.Request.Path + context.Request.QueryString;

    /// <summary>
    /// What a signed-in person gets for a page their role may not open (the users and audit pages for a non-admin): a
    /// 403 with one line saying so, in place of the cookie handler's redirect to an access-denied page there is none of.
    /// </summary>
    public static Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(RefusedPage);
    }

    private const string RefusedPage = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <meta name="color-scheme" content="light dark">
          <title>Not allowed · Annotator</title>
          <link rel="icon" href="/favicon.svg" type="image/svg+xml">
          <link rel="stylesheet" href="/css/style.css">
        </head>
        <body>
          <header class="site-header">
            <a class="brand" href="/" aria-label="Annotator, the gallery">
              <img src="/favicon.svg" alt="" width="28" height="28">
              <span>Annotator</span>
            </a>
          </header>
          <main class="auth-page">
            <section class="panel auth-panel" aria-labelledby="refused-heading">
              <h1 id="refused-heading">Not allowed</h1>
              <p class="auth-note error" id="refused">This page is for admins: your account may not open it.</p>
              <p class="auth-note"><a href="/">Back to the gallery</a></p>
            </section>
          </main>
        </body>
        </html>
        """;

    public static IApplicationBuilder UsePages(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            context.Items[typeof(Pages)] = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
            return next(context);
        });
        var rewrites = new RewriteOptions();
        foreach (var (pattern, file) in Addresses) rewrites.AddRewrite(pattern, file, skipRemainingRules: true);
        return app.UseRewriter(rewrites);
    }

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets().Add(endpoint =>
        {
            var file = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText?.Split('/').LastOrDefault() ?? "";
            if (!file.EndsWith(".html", StringComparison.OrdinalIgnoreCase) && !file.Contains(".html.", StringComparison.OrdinalIgnoreCase))
            {
                endpoint.Metadata.Add(new AllowAnonymousAttribute());
                return;
            }
            // The page's own name, also for its fingerprinted address (users.rlih7yi1be.html, users.html.gz): before,
            // "users.<hash>.html" was not found in PagePolicies and so needed only read, letting a viewer load the admin pages.
            var page = file[..file.IndexOf('.')] + ".html";
            var policy = PagePolicies.TryGetValue(page, out var named) ? named : Rights.Read;
            endpoint.Metadata.Add(policy is null ? new AllowAnonymousAttribute() : new AuthorizeAttribute(policy));
        });
        return app;
    }
}
