using System.Text.Json;

namespace Annotator.Aws.Tests;

public sealed class SecurityGroupTests(DefaultStack fixture) : IClassFixture<DefaultStack>
{
    private readonly SynthesizedStack _stack = fixture.Synthesized;

    /// <summary>Every inbound rule of the stack, inline or separate, as (group, port, source).</summary>
    private IReadOnlyList<(string Group, string Ports, string Source)> Ingress(SynthesizedStack stack) =>
    [
        .. stack.Resources("AWS::EC2::SecurityGroup").SelectMany(g =>
            g.Properties.TryGetProperty("SecurityGroupIngress", out var rules)
                ? rules.EnumerateArray().Select(r => Rule("@" + g.Id + ".GroupId", r)) : []),
        .. stack.Resources("AWS::EC2::SecurityGroupIngress").Select(r => Rule(SynthesizedStack.Render(r.Properties.GetProperty("GroupId")), r.Properties)),
    ];

    private static (string, string, string) Rule(string group, JsonElement rule) => (
        group,
        $"{rule.GetProperty("FromPort").GetInt32()}-{rule.GetProperty("ToPort").GetInt32()}",
        rule.TryGetProperty("CidrIp", out var cidr) ? SynthesizedStack.Render(cidr) : SynthesizedStack.Render(rule.GetProperty("SourceSecurityGroupId")));

    private string Group(Amazon.CDK.AWS.EC2.ISecurityGroup group) => $"@{_stack.Id(group)}.GroupId";

    [Fact]
    public void Each_tier_lets_in_only_what_it_needs()
    {
        var stack = _stack.Stack;
        var ingress = Ingress(_stack);
        var alb = Group(stack.Web.LoadBalancer.Connections.SecurityGroups.Single());
        var web = Group(stack.Web.SecurityGroup);
        var database = Group(stack.Database.SecurityGroup);
        var bastion = Group(stack.Bastion.SecurityGroup);

        Assert.Equal([(alb, "80-80", "0.0.0.0/0")], ingress.Where(r => r.Group == alb).Distinct());
        Assert.Equal(new[] { (web, "8080-8080", alb), (web, "22-22", bastion) }.Order(), ingress.Where(r => r.Group == web).Distinct().Order());
        Assert.Equal(
            new[] { web, Group(stack.Workflow.Thumbnail.SecurityGroup), Group(stack.Workflow.Annotation.SecurityGroup) }.Select(s => (database, "3306-3306", s)).Order(),
            ingress.Where(r => r.Group == database).Order());
        Assert.Equal([(bastion, "22-22", SynthesizedStack.AdminCidr)], ingress.Where(r => r.Group == bastion));
        Assert.DoesNotContain(ingress, r => r.Group == Group(stack.Workflow.Thumbnail.SecurityGroup) || r.Group == Group(stack.Workflow.Annotation.SecurityGroup));
    }

    [Fact]
    public void With_a_certificate_the_load_balancer_also_takes_443_and_redirects_80_to_it()
    {
        var https = new SynthesizedStack(new() { ["certificateArn"] = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000" });
        var alb = $"@{https.Id(https.Stack.Web.LoadBalancer.Connections.SecurityGroups.Single())}.GroupId";
        Assert.Equal(new[] { (alb, "443-443", "0.0.0.0/0"), (alb, "80-80", "0.0.0.0/0") }.Order(), Ingress(https).Where(r => r.Group == alb).Distinct().Order());

        var listeners = https.Resources("AWS::ElasticLoadBalancingV2::Listener").Select(l => l.Properties).ToList();
        var secure = Assert.Single(listeners, l => l.GetProperty("Port").GetInt32() == 443);
        Assert.Equal("HTTPS", secure.GetProperty("Protocol").GetString());
        Assert.Equal("forward", secure.GetProperty("DefaultActions")[0].GetProperty("Type").GetString());
        var plain = Assert.Single(listeners, l => l.GetProperty("Port").GetInt32() == 80);
        var redirect = plain.GetProperty("DefaultActions")[0];
        Assert.Equal("redirect", redirect.GetProperty("Type").GetString());
        Assert.Equal("HTTPS", redirect.GetProperty("RedirectConfig").GetProperty("Protocol").GetString());
    }

    [Fact]
    public void The_bastion_stands_in_a_public_subnet_and_the_web_nodes_are_reached_from_it_only_by_ssh()
    {
        var bastion = _stack.Resource(_stack.Id(_stack.Stack.Bastion.Instance)).GetProperty("Properties");
        Assert.Contains(SynthesizedStack.Render(bastion.GetProperty("SubnetId")), _stack.Stack.Network.Vpc.PublicSubnets.Select(s => "@" + _stack.Id(s)));
        var egress = _stack.Resources("AWS::EC2::SecurityGroupEgress").Select(e => e.Properties)
            .Where(e => SynthesizedStack.Render(e.GetProperty("GroupId")) == Group(_stack.Stack.Bastion.SecurityGroup)).ToList();
        var only = Assert.Single(egress);
        Assert.Equal(22, only.GetProperty("FromPort").GetInt32());
        Assert.Equal(Group(_stack.Stack.Web.SecurityGroup), SynthesizedStack.Render(only.GetProperty("DestinationSecurityGroupId")));
    }

    [Fact]
    public void Nothing_opens_ssh_or_mysql_to_the_internet()
    {
        foreach (var stack in new[] { _stack })
            Assert.DoesNotContain(Ingress(stack), r => r.Source is "0.0.0.0/0" or "::/0" && r.Ports is not ("80-80" or "443-443"));
        Assert.DoesNotContain("::/0", _stack.Text);
    }
}
