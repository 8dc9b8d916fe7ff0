using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Annotator.Captioning.Models;

/// <summary>
/// The common part of the model providers: their section's settings and the checks every such section shares, the
/// circuit of their <see cref="CaptionResilience"/> pipeline, and a <typeparamref name="TCaptioner"/> (a typed
/// HttpClient) made per caption.
/// </summary>
public abstract class ModelCaptionProvider<TOptions, TCaptioner>(
    IOptions<TOptions> options, ProviderKeys keys, CaptionResilience resilience, IServiceProvider services) : ICaptionProvider
    where TOptions : ModelProviderOptions
    where TCaptioner : ModelCaptioner
{
    protected TOptions Settings => options.Value;

    protected ProviderKeys Keys => keys;

    public string Name => Settings.Name;

    public string? DefaultModel => Settings.Model is { Length: > 0 } model ? model : null;

    public int Concurrency => Settings.Concurrency;

    public string Circuit => resilience.State(Name) switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open or CircuitState.Isolated => "open",
        _ => "half-open",
    };

    public abstract string? Unavailable();

    /// <summary>None here: only the provider's server knows its models, and says so (404) when asked for one it lacks.</summary>
    public string? ModelProblem(string model) => null;

    public abstract IEnumerable<string> ChainMistakes(string setting);

    public virtual IEnumerable<string> SettingMistakes()
    {
        var o = Settings;
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query))
            yield return $"{o.Path("BaseUrl")} '{o.BaseUrl}' must be an http:// or https:// URL without a query";
        else if (!string.IsNullOrEmpty(uri.UserInfo))
            yield return $"{o.Path("BaseUrl")} must not hold credentials: use {ProviderKeys.Variable(o.Name)}";
        if (o.Concurrency is < 1 or > 256) yield return $"{o.Path("Concurrency")} must be between 1 and 256";
        if (o.Timeout < TimeSpan.FromMilliseconds(100) || o.Timeout > TimeSpan.FromHours(1))
            yield return $"{o.Path("Timeout")} must be between 00:00:00.1 and 01:00:00";
        if (o.MaxAttempts is < 1 or > 20) yield return $"{o.Path("MaxAttempts")} must be between 1 and 20";
        if (o.RetryDelay < TimeSpan.Zero || o.RetryDelay > TimeSpan.FromMinutes(10))
            yield return $"{o.Path("RetryDelay")} must be between 00:00:00 and 00:10:00";
        if (o.MaxRetryDelay < o.RetryDelay || o.MaxRetryDelay > TimeSpan.FromHours(1))
            yield return $"{o.Path("MaxRetryDelay")} must be at least {o.Path("RetryDelay")} and at most 01:00:00";
        if (o.BreakerFailureRatio is <= 0 or > 1) yield return $"{o.Path("BreakerFailureRatio")} must be above 0 and at most 1";
        if (o.BreakerMinimumThroughput < 2) yield return $"{o.Path("BreakerMinimumThroughput")} must be at least 2";
        if (o.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || o.BreakerSamplingDuration > TimeSpan.FromDays(1))
            yield return $"{o.Path("BreakerSamplingDuration")} must be between 00:00:00.5 and 1.00:00:00";
        if (o.BreakDuration < TimeSpan.FromMilliseconds(500) || o.BreakDuration > TimeSpan.FromDays(1))
            yield return $"{o.Path("BreakDuration")} must be between 00:00:00.5 and 1.00:00:00";
    }

    public ICaptioner Create(string? model, bool pauseWhileOpen) => services.GetRequiredService<TCaptioner>().Using(model, pauseWhileOpen);
}
