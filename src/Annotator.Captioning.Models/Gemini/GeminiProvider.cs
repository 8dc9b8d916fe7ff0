using Annotator.Captioning.Models;
using Microsoft.Extensions.Options;

namespace Annotator.Captioning.Gemini;

/// <summary>Gemini: usable once a key is set.</summary>
public sealed class GeminiProvider(IOptions<GeminiOptions> options, ProviderKeys keys, CaptionResilience resilience, IServiceProvider services)
    : ModelCaptionProvider<GeminiOptions, GeminiCaptioner>(options, keys, resilience, services)
{
    public override string? Unavailable() =>
        Keys.Problem(Name) ?? (Keys.Get(Name) is null ? $"no key: {ProviderKeys.HowToSet(Name)}" : null);

    public override IEnumerable<string> ChainMistakes(string setting) => Unavailable() is { } why ? [$"{setting} but {why}"] : [];
}
