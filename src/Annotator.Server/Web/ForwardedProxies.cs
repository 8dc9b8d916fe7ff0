using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Annotator.Server.Web;

/// <summary>
/// Behind nginx or a load balancer, the client's address and scheme arrive in <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c>: honoured from the proxies <c>Annotator:Server:TrustedProxies</c> names (addresses or
/// CIDR networks, e.g. the VPC's), loopback by default, and from nobody else (a client could claim any address).
/// The scheme makes the session cookie Secure behind HTTPS; the address keys the sign-in limits and the audit log.
/// </summary>
public static class ForwardedProxies
{
    public const string Setting = "Annotator:Server:TrustedProxies";

    public static IServiceCollection AddForwardedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var networks = Parse(configuration[Setting]);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        return services;
    }

    /// <summary>The trusted networks; a wrong entry stops start-up with the entry named.</summary>
    public static IReadOnlyList<System.Net.IPNetwork> Parse(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting)) return [System.Net.IPNetwork.Parse("127.0.0.0/8"), System.Net.IPNetwork.Parse("::1/128")];
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in setting.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) networks.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else throw new UnknownBackendException($"{Setting}: '{entry}' is not an IP address or a CIDR network like 10.0.0.0/16");
        }
        return networks;
    }
}
