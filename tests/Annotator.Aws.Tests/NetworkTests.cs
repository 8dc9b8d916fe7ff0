using Amazon.CDK.Assertions;

namespace Annotator.Aws.Tests;

public sealed class NetworkTests(DefaultStack fixture) : IClassFixture<DefaultStack>
{
    private readonly SynthesizedStack _stack = fixture.Synthesized;

    [Fact]
    public void Two_zones_each_with_a_public_a_private_and_an_isolated_subnet_and_a_nat_gateway_per_zone()
    {
        var subnets = _stack.Resources("AWS::EC2::Subnet").ToList();
        Assert.Equal(6, subnets.Count);
        var kinds = subnets.Select(s => s.Properties.GetProperty("Tags").EnumerateArray()
            .Single(t => t.GetProperty("Key").GetString() == "aws-cdk:subnet-type").GetProperty("Value").GetString()).ToList();
        Assert.Equal(2, kinds.Count(k => k == "Public"));
        Assert.Equal(2, kinds.Count(k => k == "Private"));
        Assert.Equal(2, kinds.Count(k => k == "Isolated"));
        Assert.Equal(2, subnets.Select(s => SynthesizedStack.Render(s.Properties.GetProperty("AvailabilityZone"))).Distinct().Count());

        _stack.Template.ResourceCountIs("AWS::EC2::NatGateway", 2);
        _stack.Template.ResourceCountIs("AWS::EC2::InternetGateway", 1);
        // Each private subnet leaves through a NAT gateway, the isolated ones have no route out at all.
        var routes = _stack.Resources("AWS::EC2::Route").Select(r => r.Properties).ToList();
        Assert.Equal(2, routes.Count(r => r.TryGetProperty("NatGatewayId", out _)));
        Assert.Equal(2, routes.Count(r => r.TryGetProperty("GatewayId", out _)));
    }

    [Fact]
    public void S3_is_reached_through_a_gateway_endpoint_and_secrets_manager_through_an_interface_endpoint()
    {
        var endpoints = _stack.Resources("AWS::EC2::VPCEndpoint").Select(e => e.Properties).ToList();
        Assert.Equal(2, endpoints.Count);
        var s3 = Assert.Single(endpoints, e => SynthesizedStack.Render(e.GetProperty("ServiceName")).EndsWith(".s3"));
        Assert.Equal("Gateway", s3.GetProperty("VpcEndpointType").GetString());
        var secrets = Assert.Single(endpoints, e => SynthesizedStack.Render(e.GetProperty("ServiceName")).EndsWith(".secretsmanager"));
        Assert.Equal("Interface", secrets.GetProperty("VpcEndpointType").GetString());
        Assert.True(secrets.GetProperty("PrivateDnsEnabled").GetBoolean());
    }
}
