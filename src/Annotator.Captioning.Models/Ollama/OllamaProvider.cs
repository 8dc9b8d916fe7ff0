using Annotator.Captioning.Models;
using Microsoft.Extensions.Options;

namespace Annotator.Captioning.Ollama;

/// <summary>An Ollama server: usable once a vision model is named; a key is optional.</summary>
public sealed class OllamaProvider(IOptions<OllamaOptions> options, ProviderKeys keys, CaptionResilience resilience, IServiceProvider services)
    : ModelCaptionProvider<OllamaOptions, OllamaCaptioner>(options, keys, resilience, services)
{
    public override string? Unavailable() =>
        Keys.Problem(Name)
        ?? (string.IsNullOrWhiteSpace(Settings.Model)
            ? $"{Settings.Path("Model")} is empty: name a vision model pulled on the Ollama server (e.g. gemma3)"
            : null);

    public override IEnumerable<string> ChainMistakes(string setting)
    {
        if (Keys.Problem(Name) is { } keyProblem) yield return $"{setting} but {keyProblem}";
        if (string.IsNullOrWhiteSpace(Settings.Model))
            yield return $"{setting} but {Settings.Path("Model")} is empty: name the vision model pulled on the Ollama server (e.g. gemma3)";
    }
}
