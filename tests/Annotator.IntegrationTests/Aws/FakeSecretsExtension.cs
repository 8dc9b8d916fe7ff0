using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Annotator.IntegrationTests.Aws;

/// <summary>
/// The AWS Parameters and Secrets Lambda Extension's documented HTTP interface on a loopback port:
/// <c>GET /secretsmanager/get?secretId=…</c>, refused without the session token in <c>X-Aws-Parameters-Secrets-Token</c>
/// (or with <c>X-Forwarded-For</c>), and answered with GetSecretValue's JSON, or Secrets Manager's error for a secret it
/// does not have.
/// </summary>
public sealed class FakeSecretsExtension : IAsyncDisposable
{
    public const string Token = "IQoJb3JpZ2luX2VjEFAKE-session-token";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _secrets = new();

    public int Port { get; }
    public int Requests;

    private FakeSecretsExtension(WebApplication app, int port) => (_app, Port) = (app, port);

    public void Set(string id, string value) => _secrets[id] = value;

    public static async Task<FakeSecretsExtension> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeSecretsExtension? self = null;
        app.MapGet("/secretsmanager/get", (HttpContext context) =>
        {
            Interlocked.Increment(ref self!.Requests);
            if (context.Request.Headers.ContainsKey("X-Forwarded-For") || context.Request.Headers["X-Aws-Parameters-Secrets-Token"] != Token)
                return Results.Text("not authorized: missing or invalid X-Aws-Parameters-Secrets-Token", statusCode: 401);
            var id = context.Request.Query["secretId"].ToString();
            if (!self._secrets.TryGetValue(id, out var value))
                return Results.Text(new JsonObject { ["__type"] = "ResourceNotFoundException", ["message"] = "Secrets Manager can't find the specified secret." }.ToJsonString(),
                    "application/json", statusCode: 400);
            return Results.Text(new JsonObject
            {
                ["ARN"] = id, ["Name"] = id.Split(':')[^1], ["SecretString"] = value,
                ["VersionId"] = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", ["VersionStages"] = new JsonArray("AWSCURRENT"),
                ["CreatedDate"] = "2026-01-01T00:00:00.000Z",
            }.ToJsonString(), "application/json");
        });
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        self = new FakeSecretsExtension(app, port);
        return self;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
