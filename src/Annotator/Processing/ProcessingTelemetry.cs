using System.Diagnostics;
using System.Diagnostics.Metrics;
using Annotator.Catalog;

namespace Annotator.Processing;

/// <summary>
/// The functions' OpenTelemetry instruments (meter "Annotator": durations and outcomes per kind of work) and spans
/// (source "Annotator"). Every span of an image's life carries <see cref="ImageTag"/>, on whichever node it ran: the
/// upload request's, and each function's, so a trace store finds the whole path of one image by that tag.
/// </summary>
public static class ProcessingTelemetry
{
    public const string MeterName = "Annotator";
    public const string SourceName = "Annotator";
    public const string ImageTag = "annotator.image.id";
    internal static readonly Meter Meter = new(MeterName);
    private static readonly ActivitySource Source = new(SourceName);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "annotator.work.duration", "s", "Time to make a thumbnail set or a caption, per image");
    private static readonly Counter<long> Outcomes = Meter.CreateCounter<long>(
        "annotator.work.outcomes", description: "Finished work by kind and outcome");

    public static void Outcome(Work work, string outcome) =>
        Outcomes.Add(1, new KeyValuePair<string, object?>("work", Name(work)), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Times one piece of work and spans it, tagged with its image and the node doing it.</summary>
    public static Timer Time(Work work, Images.ImageId id) => new(work, Source.StartActivity(Name(work))?
        .SetTag(ImageTag, id.ToString())
        .SetTag("host.name", Environment.MachineName));

    /// <summary>Tags the current span (the upload request's) with the image it stored.</summary>
    public static void Stored(Images.ImageId id) => Activity.Current?.SetTag(ImageTag, id.ToString());

    private static string Name(Work work) => work == Work.Thumbnail ? "thumbnail" : "caption";

    public readonly struct Timer(Work work, Activity? span) : IDisposable
    {
        private readonly long _started = Stopwatch.GetTimestamp();

        public void Dispose()
        {
            Duration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, new KeyValuePair<string, object?>("work", Name(work)));
            span?.Dispose();
        }
    }
}
