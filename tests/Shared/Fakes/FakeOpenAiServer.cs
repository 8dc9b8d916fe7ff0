using System.Text.Json.Nodes;

namespace Annotator.Testing.Fakes;

/// <summary>
/// An OpenAI-compatible <c>POST /v1/chat/completions</c>: Bearer key, a user message whose content holds a text
/// part and an image_url part with a data URL, a response_format; the chat.completion reply with usage, and
/// OpenAI's error shape (<c>{ error: { message, type, param, code } }</c>).
/// </summary>
public sealed class FakeOpenAiServer : FakeProviderServer
{
    protected override string BasePath => "v1/";

    public static async Task<FakeOpenAiServer> StartNewAsync()
    {
        var server = new FakeOpenAiServer { ExpectedKey = "sk-test-key-0123456789" };
        await server.StartAsync();
        return server;
    }

    protected override FakeReply? Refuse(RecordedRequest request)
    {
        if (request.Method != "POST" || request.Path != "/v1/chat/completions")
            return Error(404, $"Invalid URL ({request.Method} {request.Path})", "invalid_request_error", null);
        if (ExpectedKey is not null && request.Header("authorization") != $"Bearer {ExpectedKey}")
        {
            var sent = request.Header("authorization")?.Replace("Bearer ", "") ?? "";
            var masked = sent.Length > 8 ? $"{sent[..5]}****{sent[^4..]}" : "****";
            return Error(401, $"Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys.",
                "invalid_request_error", "invalid_api_key");
        }
        var json = request.Json;
        if (json?["model"] is null) return Error(400, "you must provide a model parameter", "invalid_request_error", null);
        var content = json["messages"]?[0]?["content"]?.AsArray();
        var url = (string?)content?.FirstOrDefault(c => (string?)c?["type"] == "image_url")?["image_url"]?["url"];
        if (url is null || !url.StartsWith("data:image/jpeg;base64,", StringComparison.Ordinal) || !IsJpegBase64(url["data:image/jpeg;base64,".Length..]))
            return Error(400, "You uploaded an unsupported image. Please make sure your image is valid.", "invalid_request_error", "invalid_image");
        return null;
    }

    protected override FakeReply Success(RecordedRequest request) => Text(CaptionJson().ToJsonString(), (string)request.Json!["model"]!);

    public static FakeReply Text(string? text, string model = "gpt-test", string finishReason = "stop", int promptTokens = 850, int outputTokens = 28) => FakeReply.Json(200, new JsonObject
    {
        ["id"] = "chatcmpl-fake",
        ["object"] = "chat.completion",
        ["created"] = 1_767_225_600,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text, ["refusal"] = null },
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        }),
        ["usage"] = new JsonObject
        {
            ["prompt_tokens"] = promptTokens,
            ["completion_tokens"] = outputTokens,
            ["total_tokens"] = promptTokens + outputTokens,
        },
    });

    public static FakeReply Error(int status, string message, string? type, string? code, IReadOnlyDictionary<string, string>? headers = null) => FakeReply.Json(status, new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
    }, headers);

    public static FakeReply RateLimited(TimeSpan retryAfter) => Error(429,
        "Rate limit reached for gpt-test in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1.",
        "requests", "rate_limit_exceeded",
        new Dictionary<string, string> { ["retry-after-ms"] = ((int)retryAfter.TotalMilliseconds).ToString(), ["retry-after"] = Math.Ceiling(retryAfter.TotalSeconds).ToString() });

    public static FakeReply InternalError() => Error(500, "The server had an error while processing your request. Sorry about that!", "server_error", null);

    /// <summary>Azure OpenAI's prompt filter: a 400 with code content_filter.</summary>
    public static FakeReply ContentFiltered() => Error(400,
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", null, "content_filter");
}
