using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Annotator.Processing;

namespace Annotator.Captioning;

/// <summary>
/// Captioning's OpenTelemetry instruments (meter "Annotator"): the provider call's latency, outcomes by
/// provider and reason, tokens, retries with their delays, and each provider's circuit state.
/// </summary>
public static class CaptionMetrics
{
    private static readonly Histogram<double> Latency = ProcessingTelemetry.Meter.CreateHistogram<double>(
        "annotator.caption.latency", "s", "Time of the provider call that produced a caption");
    private static readonly Counter<long> Outcomes = ProcessingTelemetry.Meter.CreateCounter<long>(
        "annotator.caption.outcomes", description: "Captions finished, by provider, outcome (done, failed) and reason");
    private static readonly Counter<long> Tokens = ProcessingTelemetry.Meter.CreateCounter<long>(
        "annotator.caption.tokens", "{token}", "Tokens the providers reported, by provider, model and type (input, output)");
    private static readonly Counter<long> Retries = ProcessingTelemetry.Meter.CreateCounter<long>(
        "annotator.caption.retries", description: "Provider calls retried, by provider, model and reason");
    private static readonly Histogram<double> RetryDelays = ProcessingTelemetry.Meter.CreateHistogram<double>(
        "annotator.caption.retry_delay", "s", "Wait before a retry (the provider's Retry-After or retryDelay when it sent one)");
    private static readonly ConcurrentDictionary<string, Func<int>> Circuits = new();

    static CaptionMetrics() => ProcessingTelemetry.Meter.CreateObservableGauge(
        "annotator.caption.circuit",
        () => Circuits.Select(c => new Measurement<int>(c.Value(), new KeyValuePair<string, object?>("provider", c.Key))),
        description: "Each provider's circuit: 0 closed (captioning), 1 open (paused), 2 half-open (probing), 3 isolated");

    public static void Done(Caption caption)
    {
        Outcomes.Add(1, Tag("provider", caption.Provider), Tag("outcome", "done"), Tag("reason", caption.FallbackReason is null ? "ok" : "fallback"));
        if (caption.LatencyMs is { } ms) Latency.Record(ms / 1000.0, Tag("provider", caption.Provider), Tag("model", caption.Model));
        if (caption.InputTokens is { } input) Tokens.Add(input, Tag("provider", caption.Provider), Tag("model", caption.Model), Tag("type", "input"));
        if (caption.OutputTokens is { } output) Tokens.Add(output, Tag("provider", caption.Provider), Tag("model", caption.Model), Tag("type", "output"));
    }

    public static void Failed(string provider, CaptionFailure reason) =>
        Outcomes.Add(1, Tag("provider", provider), Tag("outcome", "failed"), Tag("reason", reason.Name()));

    public static void Retry(string provider, string model, CaptionFailure reason, TimeSpan delay)
    {
        Retries.Add(1, Tag("provider", provider), Tag("model", model), Tag("reason", reason.Name()));
        RetryDelays.Record(delay.TotalSeconds, Tag("provider", provider), Tag("model", model), Tag("reason", reason.Name()));
    }

    /// <summary>
    /// Reports <paramref name="provider"/>'s circuit state from now on, as the gauge's numbers (the latest registration wins).
    /// </summary>
    public static void ObserveCircuit(string provider, Func<int> state) => Circuits[provider] = state;

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
