using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Annotator.BrowserTests;

/// <summary>
/// Another web site on loopback (a tiny Kestrel) that serves one page. It must really listen: Chromium treats a page
/// that a test route made up as public, and its Local Network Access checks then block the page's requests to the
/// loopback server before they are sent, which would test the browser rather than Annotator. Opened as
/// <c>http://localhost:port</c> it is another site to Annotator at 127.0.0.1 (the session cookie is not sent); as
/// <c>http://127.0.0.1:port</c> it is the same site on another port (the SameSite=Lax cookie is sent).
/// </summary>
public sealed class OtherSite : IAsyncDisposable
{
    private WebApplication _app = null!;

    public int Port { get; private set; }

    public static async Task<OtherSite> StartAsync(string html)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var site = new OtherSite { _app = builder.Build() };
        site._app.Run(context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(html);
        });
        await site._app.StartAsync();
        var address = site._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site.Port = new Uri(address).Port;
        return site;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
