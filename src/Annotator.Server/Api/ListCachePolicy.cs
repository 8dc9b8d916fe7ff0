using Annotator.Catalog;
using Annotator.Server.Access;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Primitives;

namespace Annotator.Server.Api;

/// <summary>
/// The gallery list, cached per catalog version: any change makes a new key, so a cached page is never stale. The
/// framework's default policy caches nothing for a signed-in caller; here every caller is signed in (authorization
/// runs before the cache), and every account that may read sees the same list, except "my uploads", which is cached
/// per account. A caller the cache answers has passed the same <c>read</c> policy as one it does not.
/// </summary>
public sealed class ListCachePolicy : IOutputCachePolicy
{
    public static readonly ListCachePolicy Instance = new();

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var cacheable = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = TimeSpan.FromSeconds(30);
        context.CacheVaryByRules.QueryKeys = new StringValues(["cursor", "limit", "q", "state", "mine", "review", "provider", "model", "similar", "maxDistance"]);
        context.CacheVaryByRules.VaryByValues["catalog-version"] = http.RequestServices.GetRequiredService<ImageChanges>().Version.ToString();
        context.CacheVaryByRules.VaryByValues["uploader"] = bool.TryParse(http.Request.Query["mine"], out var mine) && mine ? http.User.UserId() ?? "" : "";
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        var response = context.HttpContext.Response;
        // Only a whole, plain answer is kept: never one that sets a cookie, never an error.
        if (response.StatusCode != StatusCodes.Status200OK || !StringValues.IsNullOrEmpty(response.Headers.SetCookie)) context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }
}
