using System.ComponentModel.DataAnnotations;
using Annotator.Captioning.Gemini;
using Annotator.Captioning.Ollama;
using Annotator.Captioning.OpenAi;

namespace Annotator.Captioning;

/// <summary><c>Annotator:Captions</c>: which captioner runs, what it is asked, and each provider's settings.</summary>
public sealed class CaptionOptions
{
    public const string Section = "Annotator:Captions";

    public const string Offline = "offline";

    /// <summary>Every provider name, in the order messages list them.</summary>
    public static readonly IReadOnlyList<string> Providers = [Offline, "gemini", "openai", "ollama"];

    [Required, AllowedValues("offline", "gemini", "openai", "ollama",
        ErrorMessage = "Annotator:Captions:Provider must be offline, gemini, openai or ollama.")]
    public string Provider { get; set; } = Offline;

    /// <summary>Providers tried in order when the main one fails ("offline", or "openai,offline").</summary>
    public string[] Fallback { get; set; } = [];

    /// <summary>Longest side of the JPEG a captioner receives.</summary>
    [Range(64, 4096, ErrorMessage = "Annotator:Captions:MaxEdge must be between 64 and 4096 pixels.")]
    public int MaxEdge { get; set; } = 1536;

    /// <summary>How many images are captioned at once; 0 follows the provider's concurrency limit (offline: one per core).</summary>
    [Range(0, 256, ErrorMessage = "Annotator:Captions:Concurrency must be between 0 and 256.")]
    public int Concurrency { get; set; }

    /// <summary>The language captions and tags are written in.</summary>
    [Required(ErrorMessage = "Annotator:Captions:Language must name a language.")]
    public string Language { get; set; } = "English";

    /// <summary>The instruction sent with each image; empty means the built-in one. "{language}" is replaced.</summary>
    public string Prompt { get; set; } = "";

    public GeminiOptions Gemini { get; set; } = new();

    public OpenAiOptions Openai { get; set; } = new();

    public OllamaOptions Ollama { get; set; } = new();

    /// <summary>The main provider, then the fallbacks.</summary>
    public IReadOnlyList<string> Chain => [Provider, .. Fallback];

    public ModelProviderOptions? For(string provider) => provider switch
    {
        "gemini" => Gemini,
        "openai" => Openai,
        "ollama" => Ollama,
        _ => null,
    };

    public IEnumerable<ModelProviderOptions> ModelProviders => [Gemini, Openai, Ollama];
}
