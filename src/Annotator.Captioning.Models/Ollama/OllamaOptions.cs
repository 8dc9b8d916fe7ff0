using Annotator.Captioning.Models;

namespace Annotator.Captioning.Ollama;

/// <summary>
/// <c>Annotator:Captions:Ollama</c>: an Ollama server's native API with a vision model (gemma3, llava,
/// qwen2.5vl …). A key (OLLAMA_API_KEY or OLLAMA_API_KEY_FILE) is sent only when set, for a server behind an
/// authenticating proxy.
/// </summary>
public sealed class OllamaOptions : ModelProviderOptions
{
    public OllamaOptions()
    {
        BaseUrl = "http://localhost:11434/";
        // A local model serves one image at a time unless the server is set up for more (OLLAMA_NUM_PARALLEL),
        // and the first request also loads the model.
        Concurrency = 1;
        Timeout = TimeSpan.FromMinutes(5);
        MaxAttempts = 3;
    }

    public override string Name => "ollama";

    public override string SectionName => "Ollama";
}
