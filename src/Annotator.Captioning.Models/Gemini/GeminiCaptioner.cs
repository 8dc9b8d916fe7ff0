using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Annotator.Captioning.Models;
using Microsoft.Extensions.Options;

namespace Annotator.Captioning.Gemini;

/// <summary>
/// Captions with the Gemini REST API: <c>POST {BaseUrl}models/{model}:generateContent</c> with the JPEG inline
/// (base64), the instruction, and JSON mode with a response schema. The key travels in the
/// <c>x-goog-api-key</c> header, never in the URL. Safety blocks, refused keys and invalid images fail at once;
/// 429 (honouring the error's RetryInfo.retryDelay) and 5xx are retried by <see cref="CaptionResilience"/>.
/// </summary>
public sealed class GeminiCaptioner(
    HttpClient http, IOptions<GeminiOptions> options, IOptions<CaptionOptions> captions, ProviderKeys keys, CaptionResilience resilience, TimeProvider time)
    : ModelCaptioner(options.Value, resilience)
{
    public const string KeyHeader = "x-goog-api-key";
    private static readonly HashSet<string> WithheldReasons =
        ["SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"];

    private readonly GeminiOptions _options = options.Value;
    private readonly CaptionPrompt _prompt = CaptionPrompt.From(captions.Value);

    public override string DisplayName => "Gemini";

    protected override async Task<Caption> AttemptAsync(CaptionRequest request, CancellationToken cancellationToken)
    {
        var key = keys.Get(Provider)
            ?? throw new ProviderException(CaptionFailure.NotConfigured, $"Gemini has no API key: {ProviderKeys.HowToSet(Provider)}", transient: false);
        var model = Model.StartsWith("models/", StringComparison.Ordinal) ? Model["models/".Length..] : Model;
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.BaseUri, $"models/{Uri.EscapeDataString(model)}:generateContent"))
        {
            Content = JsonContent.Create(Body(request)),
        };
        message.Headers.Add(KeyHeader, key);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        return await ProviderHttp.SendAsync(http, message, DisplayName, _options.BaseUri,
            (response, text) => Error(response, text, key, model), text => Read(text, model), cancellationToken);
    }

    private JsonObject Body(CaptionRequest request)
    {
        var generation = new JsonObject
        {
            ["responseMimeType"] = "application/json",
            ["responseSchema"] = CaptionPrompt.GeminiSchema(),
        };
        if (!string.IsNullOrWhiteSpace(_options.ThinkingLevel))
            generation["thinkingConfig"] = new JsonObject { ["thinkingLevel"] = _options.ThinkingLevel };
        return new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject
            {
                ["role"] = "user",
                ["parts"] = new JsonArray(
                    // Google advises the image before the text for a single-image prompt.
                    new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = "image/jpeg", ["data"] = Convert.ToBase64String(request.Jpeg.Span) } },
                    new JsonObject { ["text"] = _prompt.Text }),
            }),
            ["generationConfig"] = generation,
        };
    }

    private Caption Read(string body, string model)
    {
        using var document = ProviderReply.ParseObject(body, DisplayName);
        var root = document.RootElement;

        if (root.TryGetProperty("promptFeedback", out var feedback) && ProviderReply.Text(feedback, "blockReason") is { } blocked)
            throw new ProviderException(CaptionFailure.Blocked,
                $"Gemini blocked the image ({blocked}{Suffix(ProviderReply.Text(feedback, "blockReasonMessage"))}); it will not caption it", transient: false);

        if (!root.TryGetProperty("candidates", out var candidates) || candidates.ValueKind != JsonValueKind.Array || candidates.GetArrayLength() == 0)
            throw new ProviderException(CaptionFailure.BadReply, "Gemini sent a reply without candidates", transient: true);
        var candidate = candidates[0];
        var finish = ProviderReply.Text(candidate, "finishReason");
        var text = string.Concat(Parts(candidate));
        if (text.Trim().Length == 0 && finish is not null && WithheldReasons.Contains(finish))
            throw new ProviderException(CaptionFailure.Blocked, $"Gemini withheld the caption (finishReason {finish}); it will not caption this image", transient: false);

        var (caption, tags) = CaptionReply.Parse(text, DisplayName);
        int? input = null, output = null;
        if (root.TryGetProperty("usageMetadata", out var usage))
        {
            input = ProviderReply.Int(usage, "promptTokenCount");
            var candidatesTokens = ProviderReply.Int(usage, "candidatesTokenCount");
            var thoughts = ProviderReply.Int(usage, "thoughtsTokenCount");
            output = candidatesTokens is null && thoughts is null ? null : (candidatesTokens ?? 0) + (thoughts ?? 0);
        }
        return new Caption
        {
            Text = caption,
            Tags = tags,
            Provider = Provider,
            // The version that really answered, which an alias such as gemini-flash-latest does not say.
            Model = ProviderReply.Text(root, "modelVersion") is { Length: > 0 } version ? version : model,
            InputTokens = input,
            OutputTokens = output,
        };
    }

    private static IEnumerable<string> Parts(JsonElement candidate)
    {
        if (!candidate.TryGetProperty("content", out var content) || !content.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array)
            yield break;
        foreach (var part in parts.EnumerateArray())
        {
            if (part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True) continue;
            if (ProviderReply.Text(part, "text") is { } text) yield return text;
        }
    }

    private ProviderException Error(HttpResponseMessage response, string body, string key, string model)
    {
        var status = (int)response.StatusCode;
        string? statusName = null, message = null, reason = null;
        TimeSpan? retryDelay = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var error = document.RootElement;
            if (error.ValueKind == JsonValueKind.Array && error.GetArrayLength() > 0) error = error[0]; // some proxies wrap it
            if (error.TryGetProperty("error", out error))
            {
                statusName = ProviderReply.Text(error, "status");
                message = ProviderReply.Text(error, "message");
                if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                    foreach (var detail in details.EnumerateArray())
                    {
                        reason ??= ProviderReply.Text(detail, "reason");
                        retryDelay ??= ProviderErrors.ProtoDuration(ProviderReply.Text(detail, "retryDelay"));
                    }
            }
        }
        catch (JsonException)
        {
            message = ProviderErrors.PlainMessage(body, response.ReasonPhrase);
        }
        retryDelay ??= ProviderErrors.RetryAfter(response.Headers, time);

        // A wrong key is a 400 INVALID_ARGUMENT (API_KEY_INVALID) on Gemini, not a 401.
        var wrongKey = status == 400 && (reason is "API_KEY_INVALID" || message?.Contains("API key not valid", StringComparison.OrdinalIgnoreCase) == true);
        var hint = $"check {ProviderKeys.Variable(Provider)}";
        return ProviderErrors.FromStatus(status, DisplayName, statusName, message, retryDelay, hint, model,
            $"check {_options.Path("Model")}", key, treatAs: wrongKey ? 401 : null);
    }

    private static string Suffix(string? text) => string.IsNullOrWhiteSpace(text) ? "" : ": " + ProviderErrors.Clean(text, null);
}
