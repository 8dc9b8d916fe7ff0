using Microsoft.Extensions.Options;

namespace Annotator.Captioning;

/// <summary>
/// Start-up checks of <c>Annotator:Captions</c> beyond single-field ranges: the chain names registered providers,
/// each provider in it has what it needs (a key, a model), and every provider's own section holds sane values.
/// One sentence per mistake, naming the setting to change.
/// </summary>
public sealed class CaptionOptionsValidation(IEnumerable<ICaptionProvider> providers) : IValidateOptions<CaptionOptions>
{
    public ValidateOptionsResult Validate(string? name, CaptionOptions options)
    {
        var registered = providers.ToList();
        var names = registered.Select(p => p.Name).ToList();
        var mistakes = new List<string>();
        // An empty name is [Required]'s to report.
        if (options.Provider.Length > 0 && !names.Contains(options.Provider))
            mistakes.Add($"{CaptionOptions.Section}:Provider must be {Either(names)}.");
        var seen = new HashSet<string> { options.Provider };
        foreach (var fallback in options.Fallback)
        {
            if (!names.Contains(fallback))
                mistakes.Add($"{CaptionOptions.Section}:Fallback names '{fallback}', which is not one of {string.Join(", ", names)}");
            else if (!seen.Add(fallback))
                mistakes.Add($"{CaptionOptions.Section}:Fallback names '{fallback}' twice (the chain is {string.Join(", ", options.Chain)})");
        }

        for (var i = 0; i < options.Chain.Count; i++)
        {
            var provider = registered.Find(p => p.Name == options.Chain[i]);
            if (provider is null) continue;
            var setting = i == 0 ? $"{CaptionOptions.Section}:Provider is {provider.Name}" : $"{CaptionOptions.Section}:Fallback includes {provider.Name}";
            mistakes.AddRange(provider.ChainMistakes(setting));
        }

        foreach (var provider in registered) mistakes.AddRange(provider.SettingMistakes());
        return mistakes.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(mistakes);
    }

    /// <summary>"offline, gemini, openai or ollama".</summary>
    private static string Either(List<string> names) =>
        names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";
}
