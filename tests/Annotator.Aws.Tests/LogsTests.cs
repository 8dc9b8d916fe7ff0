using System.Text.Json;

namespace Annotator.Aws.Tests;

public sealed class LogsTests(DefaultStack fixture) : IClassFixture<DefaultStack>
{
    private readonly SynthesizedStack _stack = fixture.Synthesized;

    private string UserData => SynthesizedStack.Render(_stack.Resource(_stack.Id(_stack.Stack.Web.Node.FindChild("Template")))
        .GetProperty("Properties").GetProperty("LaunchTemplateData").GetProperty("UserData").GetProperty("Fn::Base64"));

    [Fact]
    public void Every_log_group_is_made_by_the_stack_and_kept_a_month()
    {
        var groups = _stack.Resources("AWS::Logs::LogGroup").ToList();
        Assert.All(groups, g => Assert.Equal(30, g.Properties.GetProperty("RetentionInDays").GetInt32()));
        // Each function writes to its own group, the web nodes to theirs.
        var workflow = _stack.Stack.Workflow;
        foreach (var parts in new[] { workflow.Thumbnail, workflow.Annotation })
        {
            var group = SynthesizedStack.Render(_stack.Resource(_stack.Id(parts.Function)).GetProperty("Properties").GetProperty("LoggingConfig").GetProperty("LogGroup"));
            Assert.Contains(groups, g => "@" + g.Id == group);
        }
        Assert.Contains(groups, g => g.Id == _stack.Id(_stack.Stack.Web.Logs));
        Assert.Equal(3, groups.Count);
    }

    [Fact]
    public void The_web_nodes_server_log_goes_to_a_file_the_cloudwatch_agent_ships_to_the_web_log_group()
    {
        var userData = UserData;
        Assert.Contains($"StandardOutput=append:{WebNode.LogFile}", userData);
        Assert.Contains("StandardError=inherit", userData);
        Assert.Contains("Environment=\"Logging__Console__FormatterOptions__SingleLine=true\"", userData);
        Assert.Contains("dnf install -y amazon-cloudwatch-agent", userData);
        Assert.Contains($"{WebNode.LogFile} {{", userData); // logrotate keeps it small
        Assert.Matches(@"amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:\S+", userData);

        var start = userData.IndexOf("<<'AGENT'\n", StringComparison.Ordinal) + "<<'AGENT'\n".Length;
        var agent = JsonDocument.Parse(userData[start..userData.IndexOf("\nAGENT\n", start, StringComparison.Ordinal)]).RootElement;
        var files = agent.GetProperty("logs").GetProperty("logs_collected").GetProperty("files").GetProperty("collect_list").EnumerateArray().ToList();
        Assert.Equal([WebNode.LogFile, "/var/log/cloud-init-output.log"], files.Select(f => f.GetProperty("file_path").GetString()));
        Assert.All(files, f => Assert.Equal("@" + _stack.Id(_stack.Stack.Web.Logs), f.GetProperty("log_group_name").GetString()));
        Assert.All(files, f => Assert.StartsWith("{instance_id}/", f.GetProperty("log_stream_name").GetString()));
        // The group has its retention from the stack: the agent must not set one (it would need logs:PutRetentionPolicy).
        Assert.All(files, f => Assert.False(f.TryGetProperty("retention_in_days", out _)));
    }
}
