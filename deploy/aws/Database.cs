using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.RDS;
using Constructs;
using InstanceType = Amazon.CDK.AWS.EC2.InstanceType;

namespace Annotator.Aws;

/// <summary>
/// The catalog: RDS MySQL 8 in the isolated subnets, never publicly reachable, its credentials generated into Secrets
/// Manager at deploy time (the template names the secret, never its value). Its security group lets nobody in;
/// the web tier and the functions are let in on 3306 by <see cref="AllowFrom"/>.
/// </summary>
public sealed class Database : Construct
{
    public const string Name = "annotator", User = "annotator";

    public DatabaseInstance Instance { get; }
    public SecurityGroup SecurityGroup { get; }

    public Database(Construct scope, string id, Vpc vpc, StackSettings settings) : base(scope, id)
    {
        SecurityGroup = new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = vpc, AllowAllOutbound = false, Description = "The catalog: 3306 from the web nodes and the functions only",
        });
        Instance = new DatabaseInstance(this, "Catalog", new DatabaseInstanceProps
        {
            Engine = DatabaseInstanceEngine.Mysql(new MySqlInstanceEngineProps { Version = MysqlEngineVersion.VER_8_0 }),
            InstanceType = new InstanceType(settings.DatabaseInstanceType),
            AllocatedStorage = settings.DatabaseStorageGiB,
            StorageType = StorageType.GP3,
            StorageEncrypted = true,
            MultiAz = settings.MultiAz,
            Vpc = vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_ISOLATED },
            SecurityGroups = [SecurityGroup],
            PubliclyAccessible = false,
            DatabaseName = Name,
            Credentials = Credentials.FromGeneratedSecret(User),
            BackupRetention = Duration.Days(7),
            DeletionProtection = true,
            RemovalPolicy = RemovalPolicy.SNAPSHOT,
        });
    }

    public Amazon.CDK.AWS.SecretsManager.ISecret Secret => Instance.Secret!;

    public void AllowFrom(ISecurityGroup client, string who) =>
        SecurityGroup.AddIngressRule(client, Port.Tcp(3306), $"MySQL from {who}");
}
