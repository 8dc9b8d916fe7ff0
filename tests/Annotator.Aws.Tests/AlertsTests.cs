namespace Annotator.Aws.Tests;

public sealed class AlertsTests(DefaultStack fixture) : IClassFixture<DefaultStack>
{
    private readonly SynthesizedStack _stack = fixture.Synthesized;

    private string Topic => "@" + _stack.Id(_stack.Stack.Alerts.Topic);

    [Fact]
    public void Every_alarm_tells_the_topic_when_it_fires_and_when_it_clears()
    {
        var alarms = _stack.Resources("AWS::CloudWatch::Alarm").ToList();
        // Per function the dead-letter queue, the backlog and the failed invocations, and the web tier's healthy nodes.
        Assert.Equal(7, alarms.Count);
        Assert.All(alarms, a =>
        {
            Assert.Equal([Topic], a.Properties.GetProperty("AlarmActions").EnumerateArray().Select(SynthesizedStack.Render));
            Assert.Equal([Topic], a.Properties.GetProperty("OKActions").EnumerateArray().Select(SynthesizedStack.Render));
        });
        // Without alarmEmail nobody is subscribed (a chat hook or a pager can be).
        Assert.Empty(_stack.Resources("AWS::SNS::Subscription"));
        // CloudWatch may publish, for this account's alarms only; nobody without TLS; nobody else is let in.
        var statements = Assert.Single(_stack.Resources("AWS::SNS::TopicPolicy")).Properties.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray().ToList();
        var allow = Assert.Single(statements, s => s.GetProperty("Effect").GetString() == "Allow");
        Assert.Equal("cloudwatch.amazonaws.com", allow.GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal("sns:Publish", allow.GetProperty("Action").GetString());
        Assert.Equal("@AWS::AccountId", SynthesizedStack.Render(allow.GetProperty("Condition").GetProperty("StringEquals").GetProperty("aws:SourceAccount")));
        var deny = Assert.Single(statements, s => s.GetProperty("Effect").GetString() == "Deny");
        Assert.Equal("false", deny.GetProperty("Condition").GetProperty("Bool").GetProperty("aws:SecureTransport").GetString());
    }

    [Fact]
    public void Each_function_raises_an_alarm_when_its_invocations_fail()
    {
        foreach (var parts in new[] { _stack.Stack.Workflow.Thumbnail, _stack.Stack.Workflow.Annotation })
        {
            var alarm = Assert.Single(_stack.Resources("AWS::CloudWatch::Alarm"), a => a.Properties.GetProperty("MetricName").GetString() == "Errors"
                && SynthesizedStack.Render(Assert.Single(a.Properties.GetProperty("Dimensions").EnumerateArray()).GetProperty("Value")) == "@" + _stack.Id(parts.Function)).Properties;
            Assert.Equal("AWS/Lambda", alarm.GetProperty("Namespace").GetString());
            Assert.Equal("Sum", alarm.GetProperty("Statistic").GetString());
            Assert.Equal(FunctionParts.ErrorsAlarmCount, alarm.GetProperty("Threshold").GetDouble());
        }
    }

    [Fact]
    public void The_web_tier_raises_an_alarm_when_no_node_is_healthy_for_five_minutes()
    {
        var alarm = Assert.Single(_stack.Resources("AWS::CloudWatch::Alarm"), a => a.Properties.GetProperty("MetricName").GetString() == "HealthyHostCount").Properties;
        Assert.Equal("AWS/ApplicationELB", alarm.GetProperty("Namespace").GetString());
        Assert.Equal("LessThanThreshold", alarm.GetProperty("ComparisonOperator").GetString());
        Assert.Equal(1, alarm.GetProperty("Threshold").GetDouble());
        Assert.Equal(5, alarm.GetProperty("EvaluationPeriods").GetInt32());
        Assert.Equal("breaching", alarm.GetProperty("TreatMissingData").GetString());
        var dimensions = alarm.GetProperty("Dimensions").EnumerateArray().Select(d => d.GetProperty("Name").GetString()).Order();
        Assert.Equal(["LoadBalancer", "TargetGroup"], dimensions);
    }
}
