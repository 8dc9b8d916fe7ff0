using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
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
/// The two SQS actions the web tier uses, in SQS's documented JSON protocol (<c>POST /</c>, <c>X-Amz-Target:
/// AmazonSQS.{Action}</c>, <c>application/x-amz-json-1.0</c>), on a loopback port: SendMessageBatch (with each body's
/// MD5, which the SDK checks) and GetQueueAttributes, and SQS's error for a queue that does not exist. No SQS-compatible
/// server is installable here, so this stands in for the one remote service it is.
/// </summary>
public sealed class FakeSqs : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _queues = new();

    public Uri BaseUrl { get; }

    /// <summary>How many of the next messages to refuse (SendMessageBatch's Failed entries).</summary>
    public int RefuseNext;

    private FakeSqs(WebApplication app, Uri baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    public string QueueUrl(string name) { _queues.TryAdd(name, new()); return new Uri(BaseUrl, $"123456789012/{name}").ToString(); }

    public IReadOnlyList<string> Messages(string name) => _queues.TryGetValue(name, out var queue) ? [.. queue] : [];

    public static async Task<FakeSqs> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeSqs? self = null;
        app.MapPost("/", async (HttpContext context) =>
        {
            var action = context.Request.Headers["X-Amz-Target"].ToString();
            var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!.AsObject();
            var name = ((string?)body["QueueUrl"])?.Split('/')[^1] ?? "";
            if (!self!._queues.TryGetValue(name, out var queue))
            {
                context.Response.Headers["x-amzn-query-error"] = "AWS.SimpleQueueService.NonExistentQueue;Sender";
                return Json(400, new JsonObject { ["__type"] = "com.amazonaws.sqs#QueueDoesNotExist", ["message"] = "The specified queue does not exist." });
            }
            switch (action)
            {
                case "AmazonSQS.GetQueueAttributes":
                    return Json(200, new JsonObject { ["Attributes"] = new JsonObject { ["QueueArn"] = $"arn:aws:sqs:eu-west-1:123456789012:{name}" } });
                case "AmazonSQS.SendMessageBatch":
                    var successful = new JsonArray();
                    var failed = new JsonArray();
                    foreach (var entry in body["Entries"]!.AsArray())
                    {
                        var id = (string)entry!["Id"]!;
                        var message = (string)entry["MessageBody"]!;
                        if (Interlocked.Decrement(ref self.RefuseNext) >= 0)
                        {
                            failed.Add(new JsonObject { ["Id"] = id, ["Code"] = "InternalError", ["Message"] = "We encountered an internal error. Please try again.", ["SenderFault"] = false });
                            continue;
                        }
                        queue.Enqueue(message);
                        successful.Add(new JsonObject
                        {
                            ["Id"] = id, ["MessageId"] = Guid.NewGuid().ToString(),
                            ["MD5OfMessageBody"] = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(message))),
                        });
                    }
                    Interlocked.Exchange(ref self.RefuseNext, Math.Max(0, self.RefuseNext));
                    return Json(200, new JsonObject { ["Successful"] = successful, ["Failed"] = failed });
                default:
                    return Json(400, new JsonObject { ["__type"] = "com.amazonaws.sqs#InvalidAction", ["message"] = $"{action} is not supported here" });
            }
        });
        await app.StartAsync();
        self = new FakeSqs(app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/"));
        return self;
    }

    private static IResult Json(int status, JsonObject body) => Results.Text(body.ToJsonString(), "application/x-amz-json-1.0", statusCode: status);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
