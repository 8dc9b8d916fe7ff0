using Annotator.Captioning.Models;

namespace Annotator.Captioning.OpenAi;

/// <summary>
/// <c>Annotator:Captions:Openai</c>: any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI's v1
/// endpoint, vLLM, llama.cpp's server, LM Studio, Gemini's OpenAI-compatible endpoint). The key comes from
/// OPENAI_API_KEY or OPENAI_API_KEY_FILE and may be absent for a local server.
/// </summary>
public sealed class OpenAiOptions : ModelProviderOptions
{
    public const string PublicBaseUrl = "https://api.openai.com/v1/";

    public OpenAiOptions()
    {
        BaseUrl = PublicBaseUrl;
        Concurrency = 8;
    }

    public override string Name => "openai";

    public override string SectionName => "Openai";

    /// <summary>json_schema (strict shape), json_object (any JSON), or text (prose, parsed leniently) for servers without JSON modes.</summary>
    public string ResponseFormat { get; set; } = "json_schema";

    public bool IsPublicOpenAi => Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && uri.Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase);
}
