using Amazon.CDK.AWS.EC2;
using Constructs;
using InstanceType = Amazon.CDK.AWS.EC2.InstanceType;

namespace Annotator.Aws;

/// <summary>The one way in for an administrator: SSH from the admin CIDR only, and from here to the web nodes.</summary>
public sealed class Bastion : Construct
{
    public Instance_ Instance { get; }
    public SecurityGroup SecurityGroup { get; }

    public Bastion(Construct scope, string id, Vpc vpc, StackSettings settings) : base(scope, id)
    {
        SecurityGroup = new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = vpc, AllowAllOutbound = false, Description = "The bastion: SSH from the admin CIDR, out to the web nodes' SSH only",
        });
        SecurityGroup.AddIngressRule(Peer.Ipv4(settings.AdminCidr), Port.Tcp(22), "SSH from the admin CIDR");
        Instance = new Instance_(this, "Host", new InstanceProps
        {
            Vpc = vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PUBLIC },
            InstanceType = new InstanceType("t3.nano"),
            MachineImage = MachineImage.LatestAmazonLinux2023(),
            SecurityGroup = SecurityGroup,
            RequireImdsv2 = true,
            KeyPair = settings.KeyPairName.Length > 0 ? KeyPair.FromKeyPairName(this, "Key", settings.KeyPairName) : null,
        });
    }
}
