using Annotator.Captioning.Models;
using Microsoft.Extensions.Options;

namespace Annotator.Captioning.OpenAi;

/// <summary>An OpenAI-compatible endpoint: usable once a model is named, and with a key where the endpoint is OpenAI's own.</summary>
public sealed class OpenAiProvider(IOptions<OpenAiOptions> options, ProviderKeys keys, CaptionResilience resilience, IServiceProvider services)
    : ModelCaptionProvider<OpenAiOptions, OpenAiCaptioner>(options, keys, resilience, services)
{
    public override string? Unavailable() =>
        Keys.Problem(Name)
        ?? (string.IsNullOrWhiteSpace(Settings.Model) ? $"{Settings.Path("Model")} is empty: name the model the endpoint serves" : null)
        ?? (Keys.Get(Name) is null && Settings.IsPublicOpenAi ? $"no key for {Settings.BaseUrl}: {ProviderKeys.HowToSet(Name)}" : null);

    public override IEnumerable<string> ChainMistakes(string setting)
    {
        if (Keys.Problem(Name) is { } keyProblem) yield return $"{setting} but {keyProblem}";
        else if (Keys.Get(Name) is null && Settings.IsPublicOpenAi) yield return $"{setting} at {Settings.BaseUrl} but no key: {ProviderKeys.HowToSet(Name)}";
        if (string.IsNullOrWhiteSpace(Settings.Model))
            yield return $"{setting} but {Settings.Path("Model")} is empty: name the model the endpoint serves";
    }

    public override IEnumerable<string> SettingMistakes()
    {
        foreach (var mistake in base.SettingMistakes()) yield return mistake;
        if (Settings.ResponseFormat is not ("json_schema" or "json_object" or "text"))
            yield return $"{Settings.Path("ResponseFormat")} must be json_schema, json_object or text";
    }
}
