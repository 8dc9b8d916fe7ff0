using System.Diagnostics;
using Annotator.Catalog;
using Annotator.Images;
using Annotator.Processing;

namespace Annotator.Tests.Processing;

/// <summary>Each function's work is a span tagged with its image, so a trace store finds one image's path across nodes.</summary>
public sealed class ProcessingTelemetryTests
{
    [Fact]
    public void Work_is_a_span_named_after_the_function_and_tagged_with_the_image_and_the_node()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>(); // other tests may run functions meanwhile
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ProcessingTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var id = ImageId.New();

        using (ProcessingTelemetry.Time(Work.Thumbnail, id)) { }
        using (ProcessingTelemetry.Time(Work.Caption, id)) { }

        var mine = spans.Where(s => (string?)s.GetTagItem(ProcessingTelemetry.ImageTag) == id.ToString()).ToList();
        Assert.Equal(["thumbnail", "caption"], mine.Select(s => s.OperationName));
        Assert.All(mine, span => Assert.Equal(Environment.MachineName, span.GetTagItem("host.name")));
    }
}
