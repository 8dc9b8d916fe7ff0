using System.Text.Json;

namespace Annotator.Aws.Tests;

public sealed class WorkflowTests(DefaultStack fixture) : IClassFixture<DefaultStack>
{
    private readonly SynthesizedStack _stack = fixture.Synthesized;

    private Workflow Workflow => _stack.Stack.Workflow;

    [Fact]
    public void The_rule_matches_only_object_created_under_raw_in_this_bucket_and_feeds_both_queues()
    {
        var rule = Assert.Single(_stack.Resources("AWS::Events::Rule")).Properties;
        var pattern = rule.GetProperty("EventPattern");
        Assert.Equal(["aws.s3"], Strings(pattern.GetProperty("source")));
        Assert.Equal(["Object Created"], Strings(pattern.GetProperty("detail-type")));
        var detail = pattern.GetProperty("detail");
        Assert.Equal(["bucket", "object"], detail.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["@" + _stack.Id(_stack.Stack.Storage.Bucket)], Strings(detail.GetProperty("bucket").GetProperty("name")));
        // One prefix, raw/: a thumbnail written under thumbnails/ can never start work again.
        var key = Assert.Single(detail.GetProperty("object").GetProperty("key").EnumerateArray());
        Assert.Equal("raw/", key.GetProperty("prefix").GetString());
        Assert.Single(key.EnumerateObject());

        var targets = rule.GetProperty("Targets").EnumerateArray().Select(t => SynthesizedStack.Render(t.GetProperty("Arn"))).Order();
        Assert.Equal(new[] { Workflow.Annotation, Workflow.Thumbnail }.Select(f => $"@{_stack.Id(f.Queue)}.Arn").Order(), targets);
    }

    [Fact]
    public void Each_function_runs_on_dotnet10_from_its_own_queue_reporting_partial_batch_failures_with_bounded_concurrency()
    {
        foreach (var (parts, handler, concurrency) in new[]
        {
            (Workflow.Thumbnail, "Annotator.Lambda::Annotator.Lambda.CreateThumbnailFunction::HandleAsync", 10),
            (Workflow.Annotation, "Annotator.Lambda::Annotator.Lambda.CreateAnnotationFunction::HandleAsync", 2),
        })
        {
            var function = _stack.Resource(_stack.Id(parts.Function)).GetProperty("Properties");
            Assert.Equal("dotnet10", function.GetProperty("Runtime").GetString());
            Assert.Equal(handler, function.GetProperty("Handler").GetString());
            Assert.Equal(SynthesizedStack.LayerArn, SynthesizedStack.Render(Assert.Single(function.GetProperty("Layers").EnumerateArray())));
            Assert.Equal(2, function.GetProperty("VpcConfig").GetProperty("SubnetIds").GetArrayLength());

            var mapping = Assert.Single(_stack.Resources("AWS::Lambda::EventSourceMapping"),
                m => SynthesizedStack.Render(m.Properties.GetProperty("FunctionName")) == "@" + _stack.Id(parts.Function)).Properties;
            Assert.Equal($"@{_stack.Id(parts.Queue)}.Arn", SynthesizedStack.Render(mapping.GetProperty("EventSourceArn")));
            Assert.Equal(["ReportBatchItemFailures"], Strings(mapping.GetProperty("FunctionResponseTypes")));
            Assert.Equal(concurrency, mapping.GetProperty("ScalingConfig").GetProperty("MaximumConcurrency").GetInt32());
        }
        // The only other function is CDK's own bucket-notifications handler.
        Assert.Equal(3, _stack.Resources("AWS::Lambda::Function").Count());
    }

    [Fact]
    public void Each_queue_has_a_dead_letter_queue_with_an_alarm_on_its_depth()
    {
        foreach (var parts in new[] { Workflow.Thumbnail, Workflow.Annotation })
        {
            var queue = _stack.Resource(_stack.Id(parts.Queue)).GetProperty("Properties");
            var redrive = queue.GetProperty("RedrivePolicy");
            Assert.Equal($"@{_stack.Id(parts.DeadLetters)}.Arn", SynthesizedStack.Render(redrive.GetProperty("deadLetterTargetArn")));
            Assert.Equal(FunctionParts.MaxReceiveCount, redrive.GetProperty("maxReceiveCount").GetInt32());
            Assert.True(queue.GetProperty("SqsManagedSseEnabled").GetBoolean());
            var timeout = _stack.Resource(_stack.Id(parts.Function)).GetProperty("Properties").GetProperty("Timeout").GetInt32();
            Assert.Equal(6 * timeout, queue.GetProperty("VisibilityTimeout").GetInt32());

            foreach (var watched in new[] { parts.DeadLetters, parts.Queue })
                Assert.Single(_stack.Resources("AWS::CloudWatch::Alarm"), a =>
                    a.Properties.GetProperty("MetricName").GetString() == "ApproximateNumberOfMessagesVisible"
                    && SynthesizedStack.Render(Assert.Single(a.Properties.GetProperty("Dimensions").EnumerateArray()).GetProperty("Value")) == $"@{_stack.Id(watched)}.QueueName");
        }
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(SynthesizedStack.Render)];
}
