namespace Annotator.Captioning.Models;

/// <summary>
/// Settings every model provider section has (<c>Annotator:Captions:Gemini</c>, <c>:Openai</c>, <c>:Ollama</c>):
/// where it is, which model, and how hard to lean on it. Durations are .NET TimeSpans ("00:00:30").
/// </summary>
public abstract class ModelProviderOptions
{
    /// <summary>The provider name used in settings, the API and the catalog ("gemini").</summary>
    public abstract string Name { get; }

    /// <summary>The section name under <c>Annotator:Captions</c> ("Gemini").</summary>
    public abstract string SectionName { get; }

    /// <summary>Where the API is; each provider has its public or local default.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>The model asked for when a caption names none.</summary>
    public string Model { get; set; } = "";

    /// <summary>Requests in flight at once; further captions queue for a slot.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>How long one request may take before it is abandoned and retried.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Requests made for one caption at most, the first included.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first wait before a retry; it doubles with each retry, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between retries; a provider asking for longer fails the caption with its reason.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Share of failed requests (in <see cref="BreakerSamplingDuration"/>) that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Requests in <see cref="BreakerSamplingDuration"/> before the failure ratio counts.</summary>
    public int BreakerMinimumThroughput { get; set; } = 6;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long captioning with this provider pauses once the circuit opens.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The configuration path of a setting in this section, for messages.</summary>
    public string Path(string setting) => $"{CaptionOptions.Section}:{SectionName}:{setting}";

    public Uri BaseUri => new(BaseUrl.EndsWith('/') ? BaseUrl : BaseUrl + "/");
}
