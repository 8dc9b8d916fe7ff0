using System.Diagnostics;
using System.Diagnostics.Metrics;
using Annotator.Catalog;

namespace Annotator.Processing;

/// <summary>The functions' OpenTelemetry instruments (meter "Annotator"): durations and outcomes per kind of work.</summary>
public static class ProcessingMetrics
{
    public const string MeterName = "Annotator";
    internal static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "annotator.work.duration", "s", "Time to make a thumbnail set or a caption, per image");
    private static readonly Counter<long> Outcomes = Meter.CreateCounter<long>(
        "annotator.work.outcomes", description: "Finished work by kind and outcome");

    public static void Outcome(Work work, string outcome) =>
        Outcomes.Add(1, new KeyValuePair<string, object?>("work", Name(work)), new KeyValuePair<string, object?>("outcome", outcome));

    public static Timer Time(Work work) => new(work);

    private static string Name(Work work) => work == Work.Thumbnail ? "thumbnail" : "caption";

    public readonly struct Timer(Work work) : IDisposable
    {
        private readonly long _started = Stopwatch.GetTimestamp();

        public void Dispose() => Duration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, new KeyValuePair<string, object?>("work", Name(work)));
    }
}
