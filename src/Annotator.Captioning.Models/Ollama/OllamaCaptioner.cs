using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Annotator.Captioning.Models;
using Microsoft.Extensions.Options;

namespace Annotator.Captioning.Ollama;

/// <summary>
/// Captions with a local Ollama server's native API: <c>POST {BaseUrl}api/chat</c>, not streamed, with the JPEG
/// in the message's <c>images</c> (base64) and the answer's JSON Schema as <c>format</c> (structured outputs).
/// Token counts come from prompt_eval_count and eval_count.
/// </summary>
public sealed class OllamaCaptioner(
    HttpClient http, IOptions<OllamaOptions> options, IOptions<CaptionOptions> captions, ProviderKeys keys, CaptionResilience resilience, TimeProvider time)
    : ModelCaptioner(options.Value, resilience)
{
    private readonly OllamaOptions _options = options.Value;
    private readonly CaptionPrompt _prompt = CaptionPrompt.From(captions.Value);

    public override string DisplayName => $"Ollama at {_options.BaseUri.Authority}";

    protected override async Task<Caption> AttemptAsync(CaptionRequest request, CancellationToken cancellationToken)
    {
        var key = keys.Get(Provider);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.BaseUri, "api/chat"))
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["model"] = Model,
                ["messages"] = new JsonArray(new JsonObject
                {
                    ["role"] = "user",
                    ["content"] = _prompt.Text,
                    ["images"] = new JsonArray(Convert.ToBase64String(request.Jpeg.Span)),
                }),
                ["stream"] = false,
                ["format"] = CaptionPrompt.JsonSchema(),
            }),
        };
        if (key is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

        return await ProviderHttp.SendAsync(http, message, DisplayName, _options.BaseUri,
            (response, body) => Error(response, body, key), Read, cancellationToken, unreachableHint: "; is `ollama serve` running there?");
    }

    private Caption Read(string body)
    {
        using var document = ProviderReply.ParseObject(body, DisplayName);
        var root = document.RootElement;
        if (ProviderReply.Text(root, "error") is { } error)
            throw new ProviderException(CaptionFailure.Unavailable, $"{DisplayName} failed: {ProviderErrors.Clean(error, null)}", transient: true);
        var content = root.TryGetProperty("message", out var reply) ? ProviderReply.Text(reply, "content") : null;
        var (caption, tags) = CaptionReply.Parse(content, DisplayName);
        return new Caption
        {
            Text = caption,
            Tags = tags,
            Provider = Provider,
            Model = ProviderReply.Text(root, "model") is { Length: > 0 } model ? model : Model,
            InputTokens = ProviderReply.Int(root, "prompt_eval_count"),
            OutputTokens = ProviderReply.Int(root, "eval_count"),
        };
    }

    private ProviderException Error(HttpResponseMessage response, string body, string? key)
    {
        string? message;
        try
        {
            using var document = JsonDocument.Parse(body);
            message = document.RootElement.ValueKind == JsonValueKind.Object ? ProviderReply.Text(document.RootElement, "error") : null;
        }
        catch (JsonException)
        {
            message = ProviderErrors.PlainMessage(body, response.ReasonPhrase);
        }
        var keyHint = key is null ? $"the server wants a key: {ProviderKeys.HowToSet(Provider)}" : $"check {ProviderKeys.Variable(Provider)}";
        return ProviderErrors.FromStatus((int)response.StatusCode, DisplayName, null, message, ProviderErrors.RetryAfter(response.Headers, time),
            keyHint, Model, $"run `ollama pull {Model}` on that server, or check {_options.Path("Model")}", key);
    }
}
