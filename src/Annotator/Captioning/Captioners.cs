using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Captioning;

/// <summary>
/// Makes the captioner for a caption: the configured chain (provider, then fallbacks) by default, or the
/// provider and model a re-caption asked for, from the registered <see cref="ICaptionProvider"/>s. Knows which
/// providers this server can use and why not.
/// </summary>
public sealed partial class Captioners(IOptions<CaptionOptions> options, IEnumerable<ICaptionProvider> providers, ILogger<Captioners> logger)
{
    private readonly IReadOnlyList<ICaptionProvider> _providers = [.. providers];

    // Read on use, not at construction: the host builds the functions before it validates options at start-up.
    private CaptionOptions Settings => options.Value;

    /// <summary>The configured main provider.</summary>
    public string DefaultProvider => Settings.Provider;

    /// <summary>The configured fallbacks, in order.</summary>
    public IReadOnlyList<string> Fallback => Settings.Fallback;

    /// <summary>Captions in flight that keep the main provider busy: its concurrency limit (offline: one per core).</summary>
    public int DefaultConcurrency => Find(Settings.Provider)?.Concurrency ?? Environment.ProcessorCount;

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
        var name = choice.Provider ?? Settings.Provider;
        if (Find(name) is not { } provider) return NotOneOf(name);
        if (provider.Unavailable() is { } why) return $"provider '{name}' is not configured on this server: {why}";
        if (choice.Model is { } model)
        {
            // Model names end up in URLs and requests: one rule for every provider before its own.
            if (!ModelName().IsMatch(model) || model.Contains("..", StringComparison.Ordinal))
                return $"model '{Shorten(model)}' is not a valid model name (letters, digits and . _ - : / @ +, at most 200)";
            return provider.ModelProblem(model);
        }
        return null;
    }

    /// <summary>Every provider with its default model, whether it can be used here, and its circuit.</summary>
    public IReadOnlyList<CaptionerInfo> Describe() =>
    [
        .. _providers.Select(p =>
        {
            var why = p.Unavailable();
            return new CaptionerInfo(
                p.Name, p.DefaultModel, why is null, why, p.Name == Settings.Provider, Settings.Fallback.Contains(p.Name), p.Concurrency, p.Circuit);
        }),
    ];

    private ICaptioner Create(string name, string? model, bool pauseWhileOpen) =>
        Find(name)?.Create(model, pauseWhileOpen) ?? throw new CaptionFailedException(CaptionFailure.NotConfigured, NotOneOf(name));

    private ICaptionProvider? Find(string name) => _providers.FirstOrDefault(p => p.Name == name);

    private string NotOneOf(string name) => $"provider '{name}' is not one of {string.Join(", ", _providers.Select(p => p.Name))}";

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:/@+\-]{0,199}$")]
    private static partial Regex ModelName();
}

/// <summary>A provider as <c>GET /api/captioners</c> shows it.</summary>
public sealed record CaptionerInfo(
    string Provider, string? Model, bool Available, string? Reason, bool IsDefault, bool IsFallback, int Concurrency, string Circuit);
