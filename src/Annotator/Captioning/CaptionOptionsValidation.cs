using Microsoft.Extensions.Options;

namespace Annotator.Captioning;

/// <summary>
/// Start-up checks of <c>Annotator:Captions</c> beyond single-field ranges: the chain names real providers,
/// each provider in it has what it needs (a key, a model), and every provider section holds sane values.
/// One sentence per mistake, naming the setting to change.
/// </summary>
public sealed class CaptionOptionsValidation(ProviderKeys keys) : IValidateOptions<CaptionOptions>
{
    public ValidateOptionsResult Validate(string? name, CaptionOptions options)
    {
        var mistakes = new List<string>();
        var seen = new HashSet<string> { options.Provider };
        foreach (var fallback in options.Fallback)
        {
            if (!CaptionOptions.Providers.Contains(fallback))
                mistakes.Add($"{CaptionOptions.Section}:Fallback names '{fallback}', which is not one of {string.Join(", ", CaptionOptions.Providers)}");
            else if (!seen.Add(fallback))
                mistakes.Add($"{CaptionOptions.Section}:Fallback names '{fallback}' twice (the chain is {string.Join(", ", options.Chain)})");
        }

        for (var i = 0; i < options.Chain.Count; i++)
        {
            var provider = options.Chain[i];
            var section = options.For(provider);
            if (section is null) continue;
            var setting = i == 0 ? $"{CaptionOptions.Section}:Provider is {provider}" : $"{CaptionOptions.Section}:Fallback includes {provider}";
            if (keys.Problem(provider) is { } keyProblem) mistakes.Add($"{setting} but {keyProblem}");
            else if (provider == "gemini" && keys.Get(provider) is null)
                mistakes.Add($"{setting} but no key: {ProviderKeys.HowToSet(provider)}");
            else if (provider == "openai" && keys.Get(provider) is null && options.Openai.IsPublicOpenAi)
                mistakes.Add($"{setting} at {options.Openai.BaseUrl} but no key: {ProviderKeys.HowToSet(provider)}");
            if (provider is "openai" or "ollama" && string.IsNullOrWhiteSpace(section.Model))
                mistakes.Add($"{setting} but {section.Path("Model")} is empty: name the {(provider == "ollama" ? "vision model pulled on the Ollama server (e.g. gemma3)" : "model the endpoint serves")}");
        }

        foreach (var section in options.ModelProviders) Check(section, mistakes);
        if (options.Openai.ResponseFormat is not ("json_schema" or "json_object" or "text"))
            mistakes.Add($"{options.Openai.Path("ResponseFormat")} must be json_schema, json_object or text");
        return mistakes.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(mistakes);
    }

    private static void Check(ModelProviderOptions o, List<string> mistakes)
    {
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query))
            mistakes.Add($"{o.Path("BaseUrl")} '{o.BaseUrl}' must be an http:// or https:// URL without a query");
        else if (!string.IsNullOrEmpty(uri.UserInfo))
            mistakes.Add($"{o.Path("BaseUrl")} must not hold credentials: use {ProviderKeys.Variable(o.Name)}");
        if (o.Concurrency is < 1 or > 256) mistakes.Add($"{o.Path("Concurrency")} must be between 1 and 256");
        if (o.Timeout < TimeSpan.FromMilliseconds(100) || o.Timeout > TimeSpan.FromHours(1))
            mistakes.Add($"{o.Path("Timeout")} must be between 00:00:00.1 and 01:00:00");
        if (o.MaxAttempts is < 1 or > 20) mistakes.Add($"{o.Path("MaxAttempts")} must be between 1 and 20");
        if (o.RetryDelay < TimeSpan.Zero || o.RetryDelay > TimeSpan.FromMinutes(10))
            mistakes.Add($"{o.Path("RetryDelay")} must be between 00:00:00 and 00:10:00");
        if (o.MaxRetryDelay < o.RetryDelay || o.MaxRetryDelay > TimeSpan.FromHours(1))
            mistakes.Add($"{o.Path("MaxRetryDelay")} must be at least {o.Path("RetryDelay")} and at most 01:00:00");
        if (o.BreakerFailureRatio is <= 0 or > 1) mistakes.Add($"{o.Path("BreakerFailureRatio")} must be above 0 and at most 1");
        if (o.BreakerMinimumThroughput < 2) mistakes.Add($"{o.Path("BreakerMinimumThroughput")} must be at least 2");
        if (o.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || o.BreakerSamplingDuration > TimeSpan.FromDays(1))
            mistakes.Add($"{o.Path("BreakerSamplingDuration")} must be between 00:00:00.5 and 1.00:00:00");
        if (o.BreakDuration < TimeSpan.FromMilliseconds(500) || o.BreakDuration > TimeSpan.FromDays(1))
            mistakes.Add($"{o.Path("BreakDuration")} must be between 00:00:00.5 and 1.00:00:00");
    }
}
