using System.Text.Json.Nodes;

namespace Annotator.Testing.Fakes;

/// <summary>
/// Ollama's native <c>POST /api/chat</c>: a user message with base64 <c>images</c>, <c>stream: false</c>, a
/// <c>format</c> schema; the non-streamed reply with message, done_reason and eval counts, and Ollama's error
/// shape (<c>{ "error": "…" }</c>, 404 for a model that was never pulled).
/// </summary>
public sealed class FakeOllamaServer : FakeProviderServer
{
    protected override string BasePath => "";

    /// <summary>The models "pulled" on this server.</summary>
    public HashSet<string> Models { get; } = ["gemma3:test", "llava:test"];

    public static async Task<FakeOllamaServer> StartNewAsync()
    {
        var server = new FakeOllamaServer { ExpectedKey = null };
        await server.StartAsync();
        return server;
    }

    protected override FakeReply? Refuse(RecordedRequest request)
    {
        if (request.Method != "POST" || request.Path != "/api/chat") return new FakeReply(404, "404 page not found", "text/plain");
        if (ExpectedKey is not null && request.Header("authorization") != $"Bearer {ExpectedKey}") return Error(401, "unauthorized");
        var json = request.Json;
        if (json is null) return Error(400, "invalid character in request body");
        var model = (string?)json["model"];
        if (model is null || !Models.Contains(model)) return Error(404, $"model \"{model}\" not found, try pulling it first");
        var images = json["messages"]?[0]?["images"]?.AsArray();
        if (images is null || images.Count == 0 || !IsJpegBase64((string?)images[0])) return Error(400, "illegal base64 data at input byte 0");
        return null;
    }

    protected override FakeReply Success(RecordedRequest request) => Text(CaptionJson().ToJsonString(), (string)request.Json!["model"]!);

    public static FakeReply Text(string text, string model = "gemma3:test", int promptTokens = 780, int outputTokens = 36) => FakeReply.Json(200, new JsonObject
    {
        ["model"] = model,
        ["created_at"] = "2026-01-01T00:00:00.000000Z",
        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
        ["done_reason"] = "stop",
        ["done"] = true,
        ["total_duration"] = 4_883_583_458L,
        ["load_duration"] = 1_334_875L,
        ["prompt_eval_count"] = promptTokens,
        ["prompt_eval_duration"] = 342_546_000L,
        ["eval_count"] = outputTokens,
        ["eval_duration"] = 4_535_599_000L,
    });

    public static FakeReply Error(int status, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        FakeReply.Json(status, new JsonObject { ["error"] = message }, headers);

    public static FakeReply Busy(TimeSpan retryAfter) => Error(429, "server busy, please try again.  maximum pending requests exceeded",
        new Dictionary<string, string> { ["Retry-After"] = Math.Ceiling(retryAfter.TotalSeconds).ToString() });

    public static FakeReply InternalError() => Error(500, "llama runner process has terminated: signal: killed");
}
