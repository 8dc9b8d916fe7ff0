using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Annotator.Testing.Fakes;

/// <summary>One request as a fake provider received it.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode? Json
    {
        get
        {
            try { return JsonNode.Parse(Body); }
            catch (JsonException) { return null; }
        }
    }

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>What a fake provider answers: a status, a body and headers, or no answer at all.</summary>
public sealed record FakeReply(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>Never answers (until the client gives up and closes the connection).</summary>
    public bool Hangs { get; init; }

    public static FakeReply Json(int status, JsonNode body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, body.ToJsonString(), "application/json", headers);

    public static readonly FakeReply Hang = new(0, "") { Hangs = true };

    /// <summary>A 200 whose body is cut off in the middle of the JSON.</summary>
    public static readonly FakeReply Malformed = new(200, "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"{\\\"caption\\\": \\\"A");
}

/// <summary>
/// A model provider's API on a loopback port, as a real Kestrel app: it records every request, checks it
/// against the documented shape (a wrong one gets the provider's 400), and answers from a script of
/// replies, then with <see cref="Success"/>. <see cref="Delay"/> holds every answer back (for benchmarks).
/// </summary>
public abstract class FakeProviderServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeReply> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private WebApplication _app = null!;
    private int _inFlight;

    /// <summary>The API's base URL as a client is configured with it (ends with '/').</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public Uri Root { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public int RequestCount => _requests.Count;

    /// <summary>The most requests that were being answered at once.</summary>
    public int MaxInFlight { get; private set; }

    /// <summary>Held before every answer.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>The key the fake accepts; null accepts any request without a key check.</summary>
    public string? ExpectedKey { get; set; } = "test-key";

    /// <summary>The caption and tags of the default success reply.</summary>
    public string Caption { get; set; } = "A photo used in a test, showing a scene in daylight.";

    public string[] Tags { get; set; } = ["test", "photo", "daylight"];

    /// <summary>Answers with these replies first, in order, before falling back to the documented default.</summary>
    public void Enqueue(params FakeReply[] replies)
    {
        foreach (var reply in replies) _script.Enqueue(reply);
    }

    /// <summary>From now on, answer everything with this reply (null: back to normal).</summary>
    public FakeReply? Always { get; set; }

    private volatile TaskCompletionSource _gate = Open();

    /// <summary>Holds every answer until <see cref="Release"/>: the requests arrive and wait.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    protected abstract string BasePath { get; }

    /// <summary>The documented request check and success reply; null when the request is valid.</summary>
    protected abstract FakeReply? Refuse(RecordedRequest request);

    protected abstract FakeReply Success(RecordedRequest request);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Root = new Uri(address.TrimEnd('/') + "/");
        BaseUrl = new Uri(Root, BasePath);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        lock (_requests) MaxInFlight = Math.Max(MaxInFlight, inFlight);
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync(context.RequestAborted);
            var request = new RecordedRequest(
                context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body);
            _requests.Enqueue(request);

            var reply = Refuse(request) ?? Always ?? (_script.TryDequeue(out var next) ? next : Success(request));
            await _gate.Task.WaitAsync(context.RequestAborted);
            if (Delay > TimeSpan.Zero) await Task.Delay(Delay, context.RequestAborted);
            if (reply.Hangs)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return;
            }
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
            await context.Response.WriteAsync(reply.Body, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (a timeout test): nothing to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    protected static bool IsJpegBase64(string? data)
    {
        if (string.IsNullOrEmpty(data)) return false;
        try
        {
            var bytes = Convert.FromBase64String(data);
            return bytes.Length > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    protected JsonObject CaptionJson() => new() { ["caption"] = Caption, ["tags"] = new JsonArray([.. Tags.Select(t => (JsonNode)t)]) };

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
