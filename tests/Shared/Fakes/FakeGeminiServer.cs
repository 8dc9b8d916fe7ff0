using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Annotator.Testing.Fakes;

/// <summary>
/// The Gemini REST API's <c>POST /v1beta/models/{model}:generateContent</c>, with its documented request shape
/// (contents → parts with inlineData/inline_data and text, the key in x-goog-api-key), its success reply
/// (candidates, usageMetadata, modelVersion) and its error shape (<c>{ error: { code, message, status, details } }</c>).
/// </summary>
public sealed partial class FakeGeminiServer : FakeProviderServer
{
    protected override string BasePath => "v1beta/";

    public static async Task<FakeGeminiServer> StartNewAsync()
    {
        var server = new FakeGeminiServer();
        await server.StartAsync();
        return server;
    }

    /// <summary>The model named in a request's path.</summary>
    public static string? ModelOf(RecordedRequest request) => GenerateContent().Match(request.Path) is { Success: true } m ? m.Groups[1].Value : null;

    protected override FakeReply? Refuse(RecordedRequest request)
    {
        if (request.Method != "POST" || ModelOf(request) is null)
            return Error(404, "NOT_FOUND", $"Method not found: {request.Method} {request.Path}");
        if (ExpectedKey is not null)
        {
            var key = request.Header("x-goog-api-key");
            if (string.IsNullOrEmpty(key))
                return Error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
            if (key != ExpectedKey)
                return Error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                    new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo", ["reason"] = "API_KEY_INVALID", ["domain"] = "googleapis.com" });
        }
        var parts = request.Json?["contents"]?[0]?["parts"]?.AsArray();
        if (parts is null) return Error(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified");
        var inline = parts.Select(p => p?["inlineData"] ?? p?["inline_data"]).FirstOrDefault(p => p is not null);
        var mime = (string?)(inline?["mimeType"] ?? inline?["mime_type"]);
        if (inline is null || mime is null) return Error(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents[0].parts: an image part is required by this fake");
        if (mime != "image/jpeg" || !IsJpegBase64((string?)inline["data"])) return Error(400, "INVALID_ARGUMENT", "Provided image is not valid.");
        return null;
    }

    protected override FakeReply Success(RecordedRequest request) => Text(CaptionJson().ToJsonString(), ModelOf(request)!);

    /// <summary>A success whose only candidate says <paramref name="text"/>.</summary>
    public static FakeReply Text(string text, string model = "gemini-test", int promptTokens = 1290, int outputTokens = 31) => FakeReply.Json(200, new JsonObject
    {
        ["candidates"] = new JsonArray(new JsonObject
        {
            ["content"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = text }), ["role"] = "model" },
            ["finishReason"] = "STOP",
            ["index"] = 0,
        }),
        ["usageMetadata"] = new JsonObject
        {
            ["promptTokenCount"] = promptTokens,
            ["candidatesTokenCount"] = outputTokens,
            ["totalTokenCount"] = promptTokens + outputTokens,
        },
        ["modelVersion"] = model,
        ["responseId"] = "fake-response",
    });

    public static FakeReply Error(int code, string status, string message, params JsonNode[] details) => FakeReply.Json(code, new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["status"] = status,
            ["details"] = new JsonArray(details),
        },
    });

    /// <summary>429 RESOURCE_EXHAUSTED with a RetryInfo detail, as Gemini sends when a quota runs out.</summary>
    public static FakeReply RateLimited(TimeSpan retryDelay) => Error(429, "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
        new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.RetryInfo", ["retryDelay"] = $"{retryDelay.TotalSeconds:0.###}s" });

    public static FakeReply InternalError() => Error(500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");

    public static FakeReply Overloaded() => Error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");

    /// <summary>The prompt (here: the image) was blocked: no candidates, promptFeedback.blockReason.</summary>
    public static FakeReply Blocked(string reason = "SAFETY") => FakeReply.Json(200, new JsonObject
    {
        ["promptFeedback"] = new JsonObject { ["blockReason"] = reason },
        ["usageMetadata"] = new JsonObject { ["promptTokenCount"] = 1290, ["totalTokenCount"] = 1290 },
        ["modelVersion"] = "gemini-test",
    });

    [GeneratedRegex("^/v1beta/models/([^/:]+):generateContent$")]
    private static partial Regex GenerateContent();
}
