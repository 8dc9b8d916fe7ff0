using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.S3.Assets;
using Constructs;
using InstanceType = Amazon.CDK.AWS.EC2.InstanceType;
using HealthCheck = Amazon.CDK.AWS.ElasticLoadBalancingV2.HealthCheck;

namespace Annotator.Aws;

/// <summary>
/// An internet-facing load balancer (HTTP; with a certificate HTTPS, and HTTP redirected to it) in front of an Auto
/// Scaling group of web nodes (<c>--role web</c>) in the private subnets, scaled on CPU. Each node downloads the
/// self-contained linux-x64 server (a CDK asset), fetches the database password into a root-only file on tmpfs, and
/// runs the server under systemd, which hands the password to it as a credential and writes its log to a file the
/// CloudWatch agent ships to <see cref="Logs"/>. An alarm tells <see cref="Alerts"/> when no node is healthy.
/// </summary>
public sealed class WebTier : Construct
{
    public const int AppPort = 8080;

    public ApplicationLoadBalancer LoadBalancer { get; }
    public AutoScalingGroup Group { get; }
    public SecurityGroup SecurityGroup { get; }
    public Role Role { get; }
    /// <summary>The web nodes' server log and boot log, one stream each per instance.</summary>
    public LogGroup Logs { get; }

    public WebTier(Construct scope, string id, Vpc vpc, IBucket bucket, Database database, Workflow workflow, Bastion bastion, Alerts alerts, StackSettings settings)
        : base(scope, id)
    {
        Role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            Description = "Annotator's web nodes: uploads into raw/, reads and deletes images, sends retries to the functions' queues",
        });
        // Exactly what the web tier does to the bucket: uploads land in raw/ (in parts when large), the gallery reads
        // raw/ and thumbnails/, deleting an image removes both; its readiness check lists one key.
        Role.AddToPolicy(Allow(["s3:PutObject", "s3:AbortMultipartUpload"], bucket.ArnForObjects(Storage.RawPrefix + "*")));
        Role.AddToPolicy(Allow(["s3:GetObject", "s3:DeleteObject"], bucket.ArnForObjects(Storage.RawPrefix + "*"), bucket.ArnForObjects(Storage.ThumbnailPrefix + "*")));
        Role.AddToPolicy(Allow(["s3:ListBucket"], bucket.BucketArn));
        database.Secret.GrantRead(Role);
        workflow.Thumbnail.Queue.GrantSendMessages(Role);
        workflow.Annotation.Queue.GrantSendMessages(Role);
        // The stack makes the group (with its retention), so the agent needs only to add streams and events to it:
        // narrower than CloudWatchAgentServerPolicy, which may create any group and write to all of them.
        Logs = new LogGroup(this, "Logs", new LogGroupProps { Retention = RetentionDays.ONE_MONTH, RemovalPolicy = RemovalPolicy.DESTROY });
        Logs.GrantWrite(Role);

        SecurityGroup = new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = vpc, AllowAllOutbound = true, Description = "Web nodes: the app port from the load balancer, SSH from the bastion",
        });
        database.AllowFrom(SecurityGroup, "the web nodes");

        var app = new Asset(this, "Server", new AssetProps { Path = settings.WebPublish });
        app.GrantRead(Role);
        var userData = UserData.ForLinux();
        var archive = userData.AddS3DownloadCommand(new S3DownloadOptions { Bucket = app.Bucket, BucketKey = app.S3ObjectKey, LocalFile = "/tmp/annotator.zip" });
        userData.AddCommands(WebNode.Commands(archive, database, bucket, workflow, vpc, Logs));

        // A launch template (launch configurations are retired for new accounts), IMDSv2 only.
        var template = new LaunchTemplate(this, "Template", new LaunchTemplateProps
        {
            InstanceType = new InstanceType(settings.InstanceType),
            MachineImage = MachineImage.LatestAmazonLinux2023(),
            Role = Role,
            SecurityGroup = SecurityGroup,
            UserData = userData,
            RequireImdsv2 = true,
            KeyPair = settings.KeyPairName.Length > 0 ? KeyPair.FromKeyPairName(this, "Key", settings.KeyPairName) : null,
        });
        Group = new AutoScalingGroup(this, "Nodes", new AutoScalingGroupProps
        {
            Vpc = vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
            LaunchTemplate = template,
            MinCapacity = settings.MinSize,
            MaxCapacity = settings.MaxSize,
            HealthCheck = Amazon.CDK.AWS.AutoScaling.HealthCheck.Elb(new ElbHealthCheckOptions { Grace = Duration.Minutes(5) }),
        });
        Group.ScaleOnCpuUtilization("Cpu", new CpuUtilizationScalingProps { TargetUtilizationPercent = 60 });
        Group.Connections.AllowFrom(bastion.SecurityGroup, Port.Tcp(22), "SSH from the bastion");

        LoadBalancer = new ApplicationLoadBalancer(this, "LoadBalancer", new ApplicationLoadBalancerProps
        {
            Vpc = vpc, InternetFacing = true, VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PUBLIC },
            DropInvalidHeaderFields = true,
        });
        var targets = new ApplicationTargetGroup(this, "Targets", new ApplicationTargetGroupProps
        {
            Vpc = vpc,
            Port = AppPort,
            Protocol = ApplicationProtocol.HTTP,
            Targets = [Group],
            // Ready means the catalog, the bucket and the queues answer; a node that is up but cut off gets no traffic.
            HealthCheck = new HealthCheck { Path = "/readyz", HealthyHttpCodes = "200", Interval = Duration.Seconds(15) },
            DeregistrationDelay = Duration.Seconds(30),
        });
        if (settings.CertificateArn.Length > 0)
        {
            LoadBalancer.AddListener("Https", new BaseApplicationListenerProps
            {
                Port = 443, Protocol = ApplicationProtocol.HTTPS, Open = true,
                Certificates = [ListenerCertificate.FromArn(settings.CertificateArn)],
                SslPolicy = SslPolicy.RECOMMENDED_TLS,
                DefaultTargetGroups = [targets],
            });
            LoadBalancer.AddListener("Http", new BaseApplicationListenerProps
            {
                Port = 80, Protocol = ApplicationProtocol.HTTP, Open = true,
                DefaultAction = ListenerAction.Redirect(new RedirectOptions { Protocol = "HTTPS", Port = "443", Permanent = true }),
            });
        }
        else
        {
            LoadBalancer.AddListener("Http", new BaseApplicationListenerProps
            {
                Port = 80, Protocol = ApplicationProtocol.HTTP, Open = true, DefaultTargetGroups = [targets],
            });
        }
        // The target group's port only, and only from the load balancer (AddListener opened 80/443 to the internet).
        Group.Connections.AllowFrom(LoadBalancer, Port.Tcp(AppPort), "The app port from the load balancer");

        _ = alerts.Watch(new Alarm(this, "NoHealthyNodeAlarm", new AlarmProps
        {
            AlarmDescription = "Web: no node has passed /readyz for 5 minutes (the site answers 503: catalog, bucket or queues unreachable, or a failed boot)",
            Metric = targets.Metrics.HealthyHostCount(new MetricOptions { Period = Duration.Minutes(1), Statistic = "Maximum" }),
            Threshold = 1, EvaluationPeriods = 5,
            ComparisonOperator = ComparisonOperator.LESS_THAN_THRESHOLD,
            // The load balancer reports the count every minute; no figure at all means no healthy node either.
            TreatMissingData = TreatMissingData.BREACHING,
        }));
    }

    private static PolicyStatement Allow(string[] actions, params string[] resources) =>
        new(new PolicyStatementProps { Effect = Effect.ALLOW, Actions = actions, Resources = resources });
}
