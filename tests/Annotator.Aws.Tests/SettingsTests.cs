namespace Annotator.Aws.Tests;

public sealed class SettingsTests
{
    [Theory]
    [InlineData("0.0.0.0/0", "must not be open to the whole internet")]
    [InlineData("example.com", "give an IPv4 network")]
    public void An_admin_cidr_that_opens_ssh_to_everyone_or_is_no_network_stops_synthesis(string cidr, string message)
    {
        var e = Assert.Throws<StackSettingsException>(() => new SynthesizedStack(new() { ["adminCidr"] = cidr }));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("maxSize", "lots", "give a whole number")]
    [InlineData("certificateArn", "my-cert", "give an ACM certificate ARN")]
    // A certificate or a layer of another region would fail half-way through `cdk deploy`.
    [InlineData("certificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000", "not in eu-west-1")]
    [InlineData("secretsExtensionLayerArn", "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12", "not in eu-west-1")]
    [InlineData("region", "Ireland", "give an AWS region")]
    // The web nodes run the linux-x64 server: an arm64 (Graviton) type could not start it.
    [InlineData("instanceType", "t4g.small", "arm64 (Graviton)")]
    [InlineData("instanceType", "c7gn.large", "arm64 (Graviton)")]
    [InlineData("instanceType", "small", "give an EC2 instance type")]
    [InlineData("databaseInstanceType", "micro", "give an RDS instance class")]
    [InlineData("alarmEmail", "ops", "give one e-mail address")]
    [InlineData("alarmEmail", "Ops <ops@example.com>", "give one e-mail address")]
    [InlineData("alarmEmail", "ops@example.com, dev@example.com", "give one e-mail address")]
    [InlineData("alarmEmail", "ops@localhost", "give one e-mail address")]
    public void A_wrong_parameter_stops_synthesis_naming_it_and_what_to_give(string key, string value, string message)
    {
        var e = Assert.Throws<StackSettingsException>(() => new SynthesizedStack(new() { [key] = value }));
        Assert.StartsWith($"{key} is ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void The_parameters_reach_the_template()
    {
        var stack = new SynthesizedStack(new()
        {
            ["instanceType"] = "m7i-flex.large", ["minSize"] = "2", ["maxSize"] = "5", ["databaseInstanceType"] = "db.t4g.small",
            ["databaseStorageGiB"] = "50", ["geminiModel"] = "gemini-2.5-flash", ["alarmEmail"] = "ops@example.com",
        });
        var template = stack.Resource(stack.Id(stack.Stack.Web.Node.FindChild("Template"))).GetProperty("Properties").GetProperty("LaunchTemplateData");
        Assert.Equal("m7i-flex.large", template.GetProperty("InstanceType").GetString());
        var group = Assert.Single(stack.Resources("AWS::AutoScaling::AutoScalingGroup")).Properties;
        Assert.Equal(("2", "5"), (group.GetProperty("MinSize").GetString(), group.GetProperty("MaxSize").GetString()));
        var database = Assert.Single(stack.Resources("AWS::RDS::DBInstance")).Properties;
        Assert.Equal("db.t4g.small", database.GetProperty("DBInstanceClass").GetString());
        Assert.Equal("50", database.GetProperty("AllocatedStorage").GetString());
        var annotation = stack.Resource(stack.Id(stack.Stack.Workflow.Annotation.Function)).GetProperty("Properties");
        Assert.Equal("gemini-2.5-flash", annotation.GetProperty("Environment").GetProperty("Variables").GetProperty("Annotator__Captions__Gemini__Model").GetString());
        // The address is subscribed to the alarm topic by e-mail.
        var subscription = Assert.Single(stack.Resources("AWS::SNS::Subscription")).Properties;
        Assert.Equal("email", subscription.GetProperty("Protocol").GetString());
        Assert.Equal("ops@example.com", subscription.GetProperty("Endpoint").GetString());
        Assert.Equal("@" + stack.Id(stack.Stack.Alerts.Topic), SynthesizedStack.Render(subscription.GetProperty("TopicArn")));
    }
}
