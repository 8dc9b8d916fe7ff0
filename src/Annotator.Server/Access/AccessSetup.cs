using System.Threading.RateLimiting;
using Annotator.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.RateLimiting;
using Annotator.Server.Web;
using Microsoft.Extensions.Options;

namespace Annotator.Server.Access;

/// <summary>
/// Accounts, sessions and tokens for the web tier: who a request is (a session cookie or a bearer token), what it may
/// do (one policy per right), the shared key ring, the brute-force limits and the first admin.
/// </summary>
public static class AccessSetup
{
    public const string Scheme = "Annotator";
    public const string SignInLimit = "sign-in";
    public const string CookieName = "annotator.session";

    public static IServiceCollection AddAnnotatorAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section))
            .PostConfigure(options =>
            {
                var password = options.AdminPassword;
                options.PasswordFileError = SecretFile.Read(configuration, AuthOptions.Section + ":AdminPassword", ref password);
                options.AdminPassword = password;
            })
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RecentLookups>();
        Decorate<ISessionStore, RecentSessions>(services);
        Decorate<ITokenStore, RecentTokens>(services);
        Decorate<IUserStore, RecentUsers>(services);
        services.AddSingleton<SignInLimiter>();
        services.AddSingleton<SessionTicketStore>();
        services.AddSingleton<StillSignedIn>();
        services.AddSingleton<IAuthorizationHandler, RightHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessResults>();
        services.AddHostedService<FirstAdmin>();

        var authentication = services.AddAuthentication(Scheme);
        authentication
            // A bearer token is an API client's; anything else is a browser's session (or nobody).
            .AddPolicyScheme(Scheme, null, o => o.ForwardDefaultSelector = context =>
                TokenAuthenticationHandler.HasBearer(context.Request) ? TokenAuthenticationHandler.Name : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                // Lax: a link from another site still arrives signed in; a cross-site form post does not (and Fetch
                // Metadata refuses it anyway). Secure whenever the request came over HTTPS, as the proxy says.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/signin";
                o.ReturnUrlParameter = "returnUrl";
                o.SlidingExpiration = true;
                // Back to the address asked for (/images/…), not the file it was rewritten to (image.html).
                o.Events.OnRedirectToLogin = context =>
                {
                    context.Response.Redirect($"{context.Request.PathBase}/signin?returnUrl={Uri.EscapeDataString(Pages.AskedFor(context.HttpContext))}");
                    return Task.CompletedTask;
                };
                // A page the role may not open: refused where it was asked for (there is no access-denied page to go to).
                o.Events.OnRedirectToAccessDenied = context => Pages.RefuseAsync(context.HttpContext);
            })
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.Name, null);
        services.AddSingleSignOn(configuration, authentication);
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<SessionTicketStore, IOptions<AuthOptions>>((o, store, auth) =>
            {
                o.SessionStore = store;
                o.ExpireTimeSpan = auth.Value.SessionLifetime;
            });
        services.AddAuthorization(o => o.AddRightPolicies());

        // One application name on every node (the default is the content root's path, which differs between machines).
        services.AddDataProtection().SetApplicationName("Annotator");
        services.AddOptions<KeyManagementOptions>().Configure<IKeyStore>((o, keys) => o.XmlRepository = new CatalogXmlRepository(keys));

        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(SignInLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SignInsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = (rejected, cancellationToken) =>
            {
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString();
                return new ValueTask(Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts",
                    detail: $"too many sign-in attempts from this address: try again in {seconds} s").ExecuteAsync(rejected.HttpContext));
            };
        });
        return services;
    }

    public static WebApplication UseAnnotatorAccess(this WebApplication app)
    {
        // A sign-in always makes a new session. The cookie handler would otherwise renew the session its request came
        // with (one ended elsewhere: the sign-in would not take; another person's: theirs would be kept), so the
        // requests that sign in are authenticated without the old cookie, whose session then simply lapses.
        app.Use((context, next) =>
        {
            if (SignsIn(context.Request))
                context.Request.Headers.Cookie = string.Join("; ", context.Request.Headers.Cookie.SelectMany(header => (header ?? "").Split(';'))
                    .Select(cookie => cookie.Trim()).Where(cookie => cookie.Length > 0 && !cookie.StartsWith(CookieName + "=", StringComparison.Ordinal)));
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Wraps the catalog's registration of <typeparamref name="TService"/> (a type, as every engine registers it) in <typeparamref name="TDecorator"/>.</summary>
    private static void Decorate<TService, TDecorator>(IServiceCollection services) where TService : class where TDecorator : class, TService
    {
        var registered = services.LastOrDefault(s => s.ServiceType == typeof(TService))
            ?? throw new InvalidOperationException($"The catalog registers no {typeof(TService).Name}.");
        var inner = registered.ImplementationType ?? throw new InvalidOperationException($"{typeof(TService).Name} is registered by a factory; register it by type.");
        services.Remove(registered);
        services.AddSingleton(inner);
        services.AddSingleton<TService>(sp => ActivatorUtilities.CreateInstance<TDecorator>(sp, sp.GetRequiredService(inner)));
    }

    private static bool SignsIn(HttpRequest request) =>
        request.Path.Equals("/api/auth/login") || request.Path.Equals("/api/auth/setup") || request.Path.Equals(SingleSignOn.CallbackPath);
}
