using Amazon.CDK;
using Constructs;

namespace Annotator.Aws;

/// <summary>The original AWS shape of Annotator, in one stack (each part is its own construct, named after it).</summary>
public sealed class AnnotatorStack : Stack
{
    public Network Network { get; }
    public Storage Storage { get; }
    public Database Database { get; }
    public Workflow Workflow { get; }
    public Bastion Bastion { get; }
    public Alerts Alerts { get; }
    public WebTier Web { get; }

    public AnnotatorStack(Construct scope, string id, StackSettings settings)
        : base(scope, id, new StackProps
        {
            Env = new Amazon.CDK.Environment { Region = settings.Region },
            Description = "Annotator: image upload, thumbnails and captions (web tier on EC2, functions on Lambda, RDS MySQL, S3)",
        })
    {
        Alerts = new Alerts(this, "Alerts", settings);
        Network = new Network(this, "Network");
        Storage = new Storage(this, "Storage");
        Database = new Database(this, "Database", Network.Vpc, settings);
        Workflow = new Workflow(this, "Workflow", Network.Vpc, Storage.Bucket, Database, Alerts, settings);
        Bastion = new Bastion(this, "Bastion", Network.Vpc, settings);
        Web = new WebTier(this, "Web", Network.Vpc, Storage.Bucket, Database, Workflow, Bastion, Alerts, settings);

        _ = new CfnOutput(this, "Url", new CfnOutputProps { Value = $"http://{Web.LoadBalancer.LoadBalancerDnsName}" });
        _ = new CfnOutput(this, "Bucket", new CfnOutputProps { Value = Storage.Bucket.BucketName });
        _ = new CfnOutput(this, "GeminiKeySecret", new CfnOutputProps { Value = Workflow.GeminiKey.SecretArn });
        _ = new CfnOutput(this, "AlarmTopic", new CfnOutputProps { Value = Alerts.Topic.TopicArn });
        _ = new CfnOutput(this, "WebLogs", new CfnOutputProps { Value = Web.Logs.LogGroupName });
        _ = new CfnOutput(this, "BastionAddress", new CfnOutputProps { Value = Bastion.Instance.InstancePublicIp });
    }
}
