using Annotator.Server.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.IntegrationTests.Access;

/// <summary>
/// Every endpoint the app maps declares who may call it (an authorization policy, or "anyone"), the anonymous ones are
/// exactly the expected few, and every API endpoint is in the access matrix with the right it declares. The app is built
/// in-process (WebApplicationFactory) so the list is the router's own, not a hand list that could fall behind.
/// </summary>
public sealed class EndpointDeclarationTests(InProcessApp app) : IClassFixture<InProcessApp>
{
    private static readonly HashSet<string> AnonymousApi =
    [
        "POST /api/auth/login", "POST /api/auth/logout", "GET /api/auth/options", "POST /api/auth/setup", "GET /api/auth/sso",
    ];

    [Fact]
    public void Every_endpoint_declares_a_policy_or_anonymous()
    {
        var undeclared = app.Endpoints.Where(e => e.Authorize.Count == 0 && !e.Anonymous).Select(e => e.ToString()).ToList();

        Assert.True(app.Endpoints.Count > 30, $"only {app.Endpoints.Count} endpoints found: the enumeration is broken");
        Assert.Empty(undeclared);
    }

    [Fact]
    public void Only_health_sign_in_setup_and_static_non_page_files_are_anonymous()
    {
        var anonymous = app.Endpoints.Where(e => e.Anonymous).ToList();

        var unexpected = anonymous.Where(e => !(
            AnonymousApi.Contains(e.Key)
            || e.Route is "/healthz" or "/readyz"
            // The API reference's own script and icon (Scalar marks them anonymous): no data, like the site's scripts.
            || e.Route is "/scalar/scalar.js" or "/scalar/scalar.aspnetcore.js" or "/scalar/favicon.svg"
            || e.IsStaticFile && (!e.IsPage || e.PageFile is "signin.html" or "setup.html"))).Select(e => e.ToString()).ToList();
        Assert.Empty(unexpected);
        foreach (var api in AnonymousApi) Assert.Contains(anonymous, e => e.Key == api);
        Assert.Contains(anonymous, e => e.Route == "/healthz");
        Assert.Contains(anonymous, e => e.Route == "/readyz");
        Assert.Contains(anonymous, e => e.PageFile == "signin.html");
        Assert.Contains(anonymous, e => e.PageFile == "setup.html");
        Assert.Contains(anonymous, e => e.IsStaticFile && e.Route.EndsWith(".css"));
        Assert.Contains(anonymous, e => e.IsStaticFile && e.Route.EndsWith(".js"));
    }

    [Fact]
    public void Every_other_page_needs_read_and_the_users_and_audit_pages_need_admin()
    {
        var pages = app.Endpoints.Where(e => e.IsPage && e.PageFile is not ("signin.html" or "setup.html")).ToList();

        Assert.Contains(pages, p => p.PageFile == "index.html");
        foreach (var page in pages)
        {
            var expected = page.PageFile is "users.html" or "audit.html" ? Rights.Admin : Rights.Read;
            Assert.False(page.Anonymous, $"{page} is anonymous");
            Assert.Equal([expected], page.Authorize);
        }
    }

    [Fact]
    public void Every_api_endpoint_is_in_the_access_matrix_with_the_right_it_declares()
    {
        var api = app.Endpoints.Where(e => e.Route.StartsWith("/api/") || e.Route.StartsWith("/openapi/")).ToList();
        var matrix = AccessMatrix.Endpoints.ToDictionary(e => e.Key);

        var missing = api.Where(e => !e.Anonymous && !matrix.ContainsKey(e.Key)).Select(e => e.ToString()).ToList();
        Assert.Empty(missing);
        foreach (var endpoint in api.Where(e => !e.Anonymous))
            Assert.True(matrix[endpoint.Key].Right == endpoint.Authorize.Single(),
                $"{endpoint}: the matrix says {matrix[endpoint.Key].Right}");
        var stale = matrix.Keys.Where(key => !api.Any(e => e.Key == key)).ToList();
        Assert.Empty(stale);
    }
}

/// <summary>One endpoint as the router has it: method, route pattern and what it declares.</summary>
public sealed record DeclaredEndpoint(string Method, string Route, IReadOnlyList<string> Authorize, bool Anonymous, bool IsStaticFile)
{
    public string Key => $"{Method} {Route}";

    /// <summary>The .html file a static endpoint serves (signin.html for signin.html.gz too), or null.</summary>
    public string? PageFile
    {
        get
        {
            if (!IsStaticFile) return null;
            // users.html, users.html.gz, and the fingerprinted users.rlih7yi1be.html(.gz) are all the users page.
            var file = Route.Split('/').Last();
            return file.Contains(".html", StringComparison.OrdinalIgnoreCase) ? file[..file.IndexOf('.')] + ".html" : null;
        }
    }

    public bool IsPage => PageFile is not null;

    public override string ToString() =>
        $"{Key} [{(Anonymous ? "anonymous" : "")}{string.Join(",", Authorize)}]";
}

/// <summary>The server built in-process on a throw-away data folder, with its endpoints listed once.</summary>
public sealed class InProcessApp : WebApplicationFactory<AccessResults>
{
    private readonly string _data = Directory.CreateTempSubdirectory("annotator-test-").FullName;
    private IReadOnlyList<DeclaredEndpoint>? _endpoints;

    public IReadOnlyList<DeclaredEndpoint> Endpoints => _endpoints ??= List();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Program.cs sets the content root to the program's folder; the factory must agree, or the builder refuses the change.
        builder.UseContentRoot(AppContext.BaseDirectory);
        // As deployed (the factory's default is Development, where static assets add a catch-all endpoint for hot reload).
        builder.UseEnvironment("Production");
        builder.UseSetting("Annotator:DataDirectory", _data);
        builder.UseSetting("Annotator:Auth:AdminUser", "admin");
        builder.UseSetting("Annotator:Auth:AdminPassword", "in-process admin password");
    }

    private List<DeclaredEndpoint> List()
    {
        var source = Services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints.OfType<RouteEndpoint>().SelectMany(endpoint =>
        {
            var metadata = endpoint.Metadata;
            var methods = metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["*"];
            var authorize = metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? "(default)").Distinct().ToList();
            var anonymous = metadata.GetMetadata<IAllowAnonymous>() is not null;
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            // MapStaticAssets' endpoints (the files of wwwroot) carry their StaticAssetDescriptor.
            var isStatic = metadata.Any(x => x.GetType().Name == "StaticAssetDescriptor");
            return methods.Select(method => new DeclaredEndpoint(method, route, authorize, anonymous, isStatic));
        }).ToList();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
