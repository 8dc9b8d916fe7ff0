namespace Annotator.Aws.Tests;

public sealed class WebTierTests(DefaultStack fixture) : IClassFixture<DefaultStack>
{
    private readonly SynthesizedStack _stack = fixture.Synthesized;

    [Fact]
    public void An_internet_facing_load_balancer_forwards_http_to_web_nodes_checked_on_readyz()
    {
        var alb = Assert.Single(_stack.Resources("AWS::ElasticLoadBalancingV2::LoadBalancer")).Properties;
        Assert.Equal("internet-facing", alb.GetProperty("Scheme").GetString());
        var publicSubnets = _stack.Stack.Network.Vpc.PublicSubnets.Select(s => "@" + _stack.Id(s)).Order();
        Assert.Equal(publicSubnets, alb.GetProperty("Subnets").EnumerateArray().Select(SynthesizedStack.Render).Order());

        var listener = Assert.Single(_stack.Resources("AWS::ElasticLoadBalancingV2::Listener")).Properties;
        Assert.Equal(80, listener.GetProperty("Port").GetInt32());
        Assert.Equal("forward", listener.GetProperty("DefaultActions")[0].GetProperty("Type").GetString());

        var targets = Assert.Single(_stack.Resources("AWS::ElasticLoadBalancingV2::TargetGroup")).Properties;
        Assert.Equal("/readyz", targets.GetProperty("HealthCheckPath").GetString());
        Assert.Equal(WebTier.AppPort, targets.GetProperty("Port").GetInt32());
    }

    [Fact]
    public void The_web_nodes_are_an_auto_scaling_group_of_one_to_three_in_the_private_subnets_tracking_cpu()
    {
        var group = Assert.Single(_stack.Resources("AWS::AutoScaling::AutoScalingGroup")).Properties;
        Assert.Equal("1", group.GetProperty("MinSize").GetString());
        Assert.Equal("3", group.GetProperty("MaxSize").GetString());
        Assert.Equal("ELB", group.GetProperty("HealthCheckType").GetString());
        var privateSubnets = _stack.Stack.Network.Vpc.PrivateSubnets.Select(s => "@" + _stack.Id(s)).Order();
        Assert.Equal(privateSubnets, group.GetProperty("VPCZoneIdentifier").EnumerateArray().Select(SynthesizedStack.Render).Order());

        var policy = Assert.Single(_stack.Resources("AWS::AutoScaling::ScalingPolicy")).Properties;
        Assert.Equal("TargetTrackingScaling", policy.GetProperty("PolicyType").GetString());
        Assert.Equal("ASGAverageCPUUtilization",
            policy.GetProperty("TargetTrackingConfiguration").GetProperty("PredefinedMetricSpecification").GetProperty("PredefinedMetricType").GetString());
        _stack.Template.ResourceCountIs("AWS::AutoScaling::LaunchConfiguration", 0);
    }

    [Fact]
    public void Each_node_runs_the_published_server_as_a_web_role_under_systemd_with_its_password_from_a_tmpfs_file()
    {
        var template = _stack.Resource(_stack.Id(_stack.Stack.Web.Node.FindChild("Template")))
            .GetProperty("Properties").GetProperty("LaunchTemplateData");
        Assert.Equal("required", template.GetProperty("MetadataOptions").GetProperty("HttpTokens").GetString());
        var userData = SynthesizedStack.Render(template.GetProperty("UserData").GetProperty("Fn::Base64"));

        // The server is the CDK asset (the self-contained linux-x64 publish), fetched from the asset bucket.
        Assert.Matches(@"aws s3 cp 's3://cdk-[^/]+-assets-[^/]+/[0-9a-f]{64}\.zip' '/tmp/annotator.zip'", userData);
        Assert.Contains("unzip -q /tmp/annotator.zip -d /opt/annotator", userData);
        Assert.Contains("ExecStart=/opt/annotator/Annotator.Server", userData);
        Assert.Contains("Environment=\"Annotator__Role=web\"", userData);
        Assert.Contains("Environment=\"Annotator__Events__Provider=sqs\"", userData);
        // The password: fetched by root into /run (tmpfs), handed to the service as a systemd credential, read through PasswordFile.
        Assert.Contains("aws secretsmanager get-secret-value", userData);
        Assert.Contains(">/run/annotator-secrets/db-password.new", userData);
        Assert.Contains("LoadCredential=db-password:/run/annotator-secrets/db-password", userData);
        Assert.Contains("Environment=\"Annotator__Catalog__PasswordFile=%d/db-password\"", userData);
        Assert.DoesNotContain("Password=", userData);
    }
}
