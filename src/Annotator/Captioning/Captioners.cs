using System.Text.RegularExpressions;
using Annotator.Captioning.Gemini;
using Annotator.Captioning.Offline;
using Annotator.Captioning.Ollama;
using Annotator.Captioning.OpenAi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Annotator.Captioning;

/// <summary>
/// Makes the captioner for a caption: the configured chain (provider, then fallbacks) by default, or the
/// provider and model a re-caption asked for. Knows which providers this server can use and why not.
/// </summary>
public sealed partial class Captioners(
    IOptions<CaptionOptions> options, ProviderKeys keys, CaptionResilience resilience, IServiceProvider services, ILogger<Captioners> logger)
{
    // Read on use, not at construction: the host builds the functions before it validates options at start-up.
    private CaptionOptions Settings => options.Value;

    /// <summary>The configured main provider.</summary>
    public string DefaultProvider => Settings.Provider;

    /// <summary>The configured fallbacks, in order.</summary>
    public IReadOnlyList<string> Fallback => Settings.Fallback;

    /// <summary>Captions in flight that keep the main provider busy: its concurrency limit (offline: one per core).</summary>
    public int DefaultConcurrency => Settings.For(Settings.Provider)?.Concurrency ?? Environment.ProcessorCount;

    /// <summary>The captioner for <paramref name="choice"/>; throws <see cref="CaptionFailedException"/> when it is not available here.</summary>
    public ICaptioner Create(CaptionChoice? choice = null)
    {
        if (choice is null || choice.IsDefault)
        {
            var chain = Settings.Chain;
            if (chain.Count == 1) return Create(chain[0], null, pauseWhileOpen: true);
            return new FallbackCaptioner([.. chain.Select((p, i) => Create(p, null, pauseWhileOpen: i == chain.Count - 1))], logger);
        }
        if (Problem(choice) is { } problem) throw new CaptionFailedException(CaptionFailure.NotConfigured, problem);
        return Create(choice.Provider ?? Settings.Provider, choice.Model, pauseWhileOpen: true);
    }

    /// <summary>Why <paramref name="choice"/> cannot be used on this server, or null when it can.</summary>
    public string? Problem(CaptionChoice choice)
    {
        var provider = choice.Provider ?? Settings.Provider;
        if (!CaptionOptions.Providers.Contains(provider))
            return $"provider '{provider}' is not one of {string.Join(", ", CaptionOptions.Providers)}";
        if (Unavailable(provider) is { } why) return $"provider '{provider}' is not configured on this server: {why}";
        if (choice.Model is { } model)
        {
            if (!ModelName().IsMatch(model) || model.Contains("..", StringComparison.Ordinal))
                return $"model '{Shorten(model)}' is not a valid model name (letters, digits and . _ - : / @ +, at most 200)";
            if (provider == CaptionOptions.Offline && model != OfflineDescriber.ModelName)
                return $"the offline describer has one model, {OfflineDescriber.ModelName}";
        }
        return null;
    }

    /// <summary>Why <paramref name="provider"/> is not usable here (no key, no model), or null when it is.</summary>
    public string? Unavailable(string provider)
    {
        if (provider == CaptionOptions.Offline) return null;
        var section = Settings.For(provider);
        if (section is null) return $"'{provider}' is not a provider";
        if (keys.Problem(provider) is { } keyProblem) return keyProblem;
        var key = keys.Get(provider);
        return provider switch
        {
            "gemini" when key is null => $"no key: {ProviderKeys.HowToSet(provider)}",
            "openai" when string.IsNullOrWhiteSpace(section.Model) => $"{section.Path("Model")} is empty: name the model the endpoint serves",
            "openai" when key is null && Settings.Openai.IsPublicOpenAi => $"no key for {section.BaseUrl}: {ProviderKeys.HowToSet(provider)}",
            "ollama" when string.IsNullOrWhiteSpace(section.Model) => $"{section.Path("Model")} is empty: name a vision model pulled on the Ollama server (e.g. gemma3)",
            _ => null,
        };
    }

    /// <summary>Every provider with its default model, whether it can be used here, and its circuit.</summary>
    public IReadOnlyList<CaptionerInfo> Describe() =>
    [
        .. CaptionOptions.Providers.Select(p =>
        {
            var section = Settings.For(p);
            var why = Unavailable(p);
            return new CaptionerInfo(
                p,
                section?.Model is { Length: > 0 } model ? model : p == CaptionOptions.Offline ? OfflineDescriber.ModelName : null,
                why is null,
                why,
                p == Settings.Provider,
                Settings.Fallback.Contains(p),
                section?.Concurrency ?? Environment.ProcessorCount,
                section is null ? "closed" : resilience.State(p) switch
                {
                    CircuitState.Closed => "closed",
                    CircuitState.Open or CircuitState.Isolated => "open",
                    _ => "half-open",
                });
        }),
    ];

    private ICaptioner Create(string provider, string? model, bool pauseWhileOpen) => provider switch
    {
        CaptionOptions.Offline => services.GetRequiredService<OfflineDescriber>(),
        "gemini" => services.GetRequiredService<GeminiCaptioner>().Using(model, pauseWhileOpen),
        "openai" => services.GetRequiredService<OpenAiCaptioner>().Using(model, pauseWhileOpen),
        "ollama" => services.GetRequiredService<OllamaCaptioner>().Using(model, pauseWhileOpen),
        _ => throw new CaptionFailedException(CaptionFailure.NotConfigured, $"provider '{provider}' is not one of {string.Join(", ", CaptionOptions.Providers)}"),
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:/@+\-]{0,199}$")]
    private static partial Regex ModelName();
}

/// <summary>A provider as <c>GET /api/captioners</c> shows it.</summary>
public sealed record CaptionerInfo(
    string Provider, string? Model, bool Available, string? Reason, bool IsDefault, bool IsFallback, int Concurrency, string Circuit);
