using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Annotator.Captioning.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;
using ChatClient = OpenAI.Chat.ChatClient;

namespace Annotator.Captioning.OpenAi;

/// <summary>
/// Captions through any OpenAI-compatible chat-completions endpoint with Microsoft.Extensions.AI's
/// <see cref="IChatClient"/> (OpenAI, Azure OpenAI's v1 endpoint, vLLM, llama.cpp, LM Studio, Gemini's
/// OpenAI-compatible endpoint): one user message with the instruction and the JPEG as a data URL, and a
/// json_schema (or json_object) response format. The SDK's own retries are off: <see cref="CaptionResilience"/>
/// retries, so attempts are counted once and Retry-After is honoured the same way for every provider.
/// </summary>
public sealed class OpenAiCaptioner(
    HttpClient http, IOptions<OpenAiOptions> options, IOptions<CaptionOptions> captions, ProviderKeys keys, CaptionResilience resilience, TimeProvider time)
    : ModelCaptioner(options.Value, resilience)
{
    private readonly OpenAiOptions _options = options.Value;
    private readonly CaptionPrompt _prompt = CaptionPrompt.From(captions.Value);

    public override string DisplayName => _options.IsPublicOpenAi ? "OpenAI" : $"the OpenAI-compatible API at {_options.BaseUri.Authority}";

    protected override async Task<Caption> AttemptAsync(CaptionRequest request, CancellationToken cancellationToken)
    {
        var key = keys.Get(Provider);
        using var chat = CreateClient(key);
        List<ChatMessage> messages =
        [
            new(ChatRole.User, [new TextContent(_prompt.Text), new DataContent(request.Jpeg, "image/jpeg")]),
        ];
        var chatOptions = new ChatOptions { ModelId = Model, ResponseFormat = Format() };

        ChatResponse response;
        try
        {
            response = await chat.GetResponseAsync(messages, chatOptions, cancellationToken);
        }
        catch (ClientResultException e) when (e.Status == 0 || e.GetRawResponse() is null)
        {
            throw e.InnerException is HttpRequestException or IOException
                ? ProviderErrors.Unreachable(DisplayName, _options.BaseUri, e)
                : new ProviderException(CaptionFailure.BadReply, $"{DisplayName} sent a reply that could not be read ({ProviderErrors.Clean(e.Message, key)})", transient: true, inner: e);
        }
        catch (ClientResultException e)
        {
            throw Error(e, key);
        }
        catch (HttpRequestException e)
        {
            throw ProviderErrors.Unreachable(DisplayName, _options.BaseUri, e);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentException
                                      && !cancellationToken.IsCancellationRequested)
        {
            throw new ProviderException(CaptionFailure.BadReply, $"{DisplayName} sent a reply that could not be read ({ProviderErrors.Clean(e.Message, key)})", transient: true, inner: e);
        }

        if (response.FinishReason == ChatFinishReason.ContentFilter && string.IsNullOrWhiteSpace(response.Text))
            throw new ProviderException(CaptionFailure.Blocked, $"{DisplayName} withheld the caption with its content filter (finish_reason content_filter)", transient: false);
        var (text, tags) = CaptionReply.Parse(response.Text, DisplayName);
        return new Caption
        {
            Text = text,
            Tags = tags,
            Provider = Provider,
            Model = string.IsNullOrWhiteSpace(response.ModelId) ? Model : response.ModelId,
            InputTokens = Tokens(response.Usage?.InputTokenCount),
            OutputTokens = Tokens(response.Usage?.OutputTokenCount),
        };
    }

    private IChatClient CreateClient(string? key)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = _options.BaseUri,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // The resilience pipeline's timeout governs; this only has to be longer.
            NetworkTimeout = _options.Timeout + TimeSpan.FromMinutes(1),
        };
        // A local server without a key gets no Authorization header at all.
        if (key is null) clientOptions.AddPolicy(new WithoutAuthorization(), PipelinePosition.BeforeTransport);
        return new ChatClient(Model, new ApiKeyCredential(key ?? "none"), clientOptions).AsIChatClient();
    }

    private Microsoft.Extensions.AI.ChatResponseFormat? Format() => _options.ResponseFormat switch
    {
        "json_object" => ChatResponseFormat.Json,
        "text" => null,
        _ => ChatResponseFormat.ForJsonSchema(
            JsonSerializer.SerializeToElement(CaptionPrompt.JsonSchema()), "caption", "A caption and tags for one photo"),
    };

    private ProviderException Error(ClientResultException e, string? key)
    {
        var raw = e.GetRawResponse()!;
        string? message = null, code = null, type = null;
        var body = raw.Content?.ToString() ?? "";
        try
        {
            using var document = JsonDocument.Parse(body);
            var error = document.RootElement;
            if (error.ValueKind == JsonValueKind.Array && error.GetArrayLength() > 0) error = error[0];
            if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("error", out var inner))
            {
                if (inner.ValueKind == JsonValueKind.String) message = inner.GetString();
                else if (inner.ValueKind == JsonValueKind.Object)
                {
                    message = ProviderReply.Text(inner, "message");
                    code = ProviderReply.Text(inner, "code");
                    type = ProviderReply.Text(inner, "type");
                }
            }
        }
        catch (JsonException)
        {
            message = ProviderErrors.PlainMessage(body, raw.ReasonPhrase);
        }
        var status = e.Status;
        var retryAfter = ProviderErrors.RetryAfter(Header(raw, "Retry-After"), Header(raw, "retry-after-ms"), time);
        var detail = code ?? type;

        if (code is "insufficient_quota")
            return new ProviderException(CaptionFailure.RateLimited,
                $"{DisplayName} says the account has no quota left ({ProviderErrors.Detail(status, code, message, key)}): check the plan and billing", transient: false);
        if (code is "content_filter" or "content_policy_violation" || type is "content_filter")
            return new ProviderException(CaptionFailure.Blocked,
                $"{DisplayName} refused the image with its content filter ({ProviderErrors.Detail(status, code, message, key)})", transient: false);
        var keyHint = key is null
            ? $"the endpoint wants a key: {ProviderKeys.HowToSet(Provider)}"
            : $"check {ProviderKeys.Variable(Provider)}";
        return ProviderErrors.FromStatus(status, DisplayName, detail, message, retryAfter, keyHint, Model, $"check {_options.Path("Model")}", key);
    }

    private static string? Header(PipelineResponse response, string name) => response.Headers.TryGetValue(name, out var value) ? value : null;

    private static int? Tokens(long? count) => count is { } n ? (int)Math.Min(n, int.MaxValue) : null;

    /// <summary>Removes the placeholder credentials the SDK insists on, for local servers that take none.</summary>
    private sealed class WithoutAuthorization : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Remove("Authorization");
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Remove("Authorization");
            return ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}
