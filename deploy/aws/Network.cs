using Amazon.CDK.AWS.EC2;
using Constructs;

namespace Annotator.Aws;

/// <summary>
/// Two availability zones, each with a public subnet (the load balancer, the NAT gateway, the bastion), a private one
/// whose traffic leaves through that zone's NAT gateway (web nodes, functions: Gemini is on the internet) and an
/// isolated one (the database). S3 is reached through a gateway endpoint and Secrets Manager through an interface
/// endpoint, so neither secrets nor objects cross the NAT gateway.
/// </summary>
public sealed class Network : Construct
{
    public Vpc Vpc { get; }

    public Network(Construct scope, string id) : base(scope, id)
    {
        Vpc = new Vpc(this, "Vpc", new VpcProps
        {
            IpAddresses = IpAddresses.Cidr("10.0.0.0/16"),
            MaxAzs = 2,
            NatGateways = 2,
            SubnetConfiguration =
            [
                new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC, CidrMask = 24 },
                new SubnetConfiguration { Name = "private", SubnetType = SubnetType.PRIVATE_WITH_EGRESS, CidrMask = 24 },
                new SubnetConfiguration { Name = "isolated", SubnetType = SubnetType.PRIVATE_ISOLATED, CidrMask = 24 },
            ],
        });
        Vpc.AddGatewayEndpoint("S3", new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.S3 });
        Vpc.AddInterfaceEndpoint("SecretsManager", new InterfaceVpcEndpointOptions
        {
            Service = InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            Subnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
            PrivateDnsEnabled = true,
        });
    }
}
