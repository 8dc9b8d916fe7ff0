using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.EventSources;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SecretsManager;
using Amazon.CDK.AWS.SQS;
using Constructs;
using EventsMatch = Amazon.CDK.AWS.Events.Match;

namespace Annotator.Aws;

/// <summary>
/// S3 "Object Created" → an EventBridge rule for this bucket's <c>raw/</c> keys only (a thumbnail written under
/// <c>thumbnails/</c> never starts work: the original design's loop) → one SQS queue per function → the function.
/// The queue is what gives retries (a failed item comes back after the visibility timeout), back-pressure (the
/// event source's maximum concurrency) and a way in for the web tier's retries and re-captions (it sends to the same
/// queues). A message that keeps crashing the function ends in the dead-letter queue, whose depth raises an alarm.
/// </summary>
public sealed class Workflow : Construct
{
    /// <summary>The managed .NET 10 runtime (Amazon Linux 2023). CDK 2.160 predates it, so it is named here.</summary>
    public static readonly Runtime DotNet10 = new("dotnet10", RuntimeFamily.DOTNET_CORE);

    public FunctionParts Thumbnail { get; }
    public FunctionParts Annotation { get; }
    public Rule Rule { get; }
    public ISecret GeminiKey { get; }

    public Workflow(Construct scope, string id, Vpc vpc, IBucket bucket, Database database, Alerts alerts, StackSettings settings) : base(scope, id)
    {
        // Set after deployment with `aws secretsmanager put-secret-value` (README); generated here so no key is in the template.
        GeminiKey = new Secret(this, "GeminiApiKey", new SecretProps { Description = "The Gemini API key CreateAnnotation uses" });
        var extension = LayerVersion.FromLayerVersionArn(this, "SecretsExtension", settings.SecretsExtensionLayerArn);
        var code = Code.FromAsset(settings.FunctionsPublish);

        var common = new Dictionary<string, string>
        {
            ["Annotator__Catalog__Provider"] = "mysql",
            // Server, port, database, user and password come from the secret at start (Annotator.Lambda's FunctionSecrets).
            ["Annotator__Catalog__ConnectionString"] = "SslMode=Required",
            ["ANNOTATOR_DATABASE_SECRET_ID"] = database.Secret.SecretArn,
            ["Annotator__Storage__Provider"] = "s3",
            ["Annotator__Storage__S3__Bucket"] = bucket.BucketName,
            ["Annotator__DataDirectory"] = "/tmp/annotator",
        };

        // 2 GB: a HEIC is decoded whole (ImageMagick, then libvips), about 10 bytes a pixel on top of the function's 110 MB
        // (measured: a 12 MP iPhone photo peaked at 232 MB, a JPEG at 109 MB), so one at the 100 MP upload limit needs
        // about 1.1 GB. Lambda gives CPU in proportion to memory, so the shrink itself runs faster too.
        Thumbnail = new FunctionParts(this, "CreateThumbnail", vpc, code, extension, common, alerts, new FunctionSpec(
            Handler: "Annotator.Lambda::Annotator.Lambda.CreateThumbnailFunction::HandleAsync",
            MemoryMiB: 2048, Timeout: Duration.Seconds(60), MaxConcurrency: settings.ThumbnailConcurrency,
            Environment: new() { ["Annotator__Captions__Provider"] = "offline" }));
        Annotation = new FunctionParts(this, "CreateAnnotation", vpc, code, extension, common, alerts, new FunctionSpec(
            Handler: "Annotator.Lambda::Annotator.Lambda.CreateAnnotationFunction::HandleAsync",
            MemoryMiB: 512, Timeout: Duration.Seconds(120), MaxConcurrency: settings.CaptionConcurrency,
            Environment: new()
            {
                ["Annotator__Captions__Provider"] = "gemini",
                ["Annotator__Captions__Gemini__Model"] = settings.GeminiModel,
                ["ANNOTATOR_GEMINI_SECRET_ID"] = GeminiKey.SecretArn,
            }));

        // Exactly what each function does to the bucket, and nothing else: CreateThumbnail reads raw/ and writes
        // (and, for an image deleted while it worked, removes) its thumbnails; CreateAnnotation only reads raw/.
        Thumbnail.Function.AddToRolePolicy(Allow(["s3:GetObject"], bucket.ArnForObjects(Storage.RawPrefix + "*")));
        Thumbnail.Function.AddToRolePolicy(Allow(["s3:PutObject", "s3:DeleteObject"], bucket.ArnForObjects(Storage.ThumbnailPrefix + "*")));
        Annotation.Function.AddToRolePolicy(Allow(["s3:GetObject"], bucket.ArnForObjects(Storage.RawPrefix + "*")));
        database.Secret.GrantRead(Thumbnail.Function);
        database.Secret.GrantRead(Annotation.Function);
        GeminiKey.GrantRead(Annotation.Function);
        database.AllowFrom(Thumbnail.SecurityGroup, "CreateThumbnail");
        database.AllowFrom(Annotation.SecurityGroup, "CreateAnnotation");

        Rule = new Rule(this, "RawObjectCreated", new RuleProps
        {
            Description = "Objects created under raw/ in the images bucket: the start of both functions' work",
            EventPattern = new EventPattern
            {
                Source = ["aws.s3"],
                DetailType = ["Object Created"],
                Detail = new Dictionary<string, object>
                {
                    ["bucket"] = new Dictionary<string, object> { ["name"] = new[] { bucket.BucketName } },
                    ["object"] = new Dictionary<string, object> { ["key"] = EventsMatch.Prefix(Storage.RawPrefix) },
                },
            },
            Targets = [new SqsQueue(Thumbnail.Queue), new SqsQueue(Annotation.Queue)],
        });
    }

    private static PolicyStatement Allow(string[] actions, string resource) =>
        new(new PolicyStatementProps { Effect = Effect.ALLOW, Actions = actions, Resources = [resource] });
}

public sealed record FunctionSpec(string Handler, int MemoryMiB, Duration Timeout, int MaxConcurrency, Dictionary<string, string> Environment);

/// <summary>One function with its queue, dead-letter queue, alarms (told to <see cref="Alerts"/>), security group (no inbound at all) and log group.</summary>
public sealed class FunctionParts : Construct
{
    /// <summary>Receives before a message goes to the dead-letter queue. Above the catalog's own MaxAttempts (5), which
    /// records a failing image as a dead letter the web tier shows: the queue's only catches what crashes the function.</summary>
    public const int MaxReceiveCount = 10;

    /// <summary>A queue this deep for 15 minutes is not draining: a burst of uploads clears well before.</summary>
    public const int BacklogAlarmDepth = 1000;

    /// <summary>Failed invocations in five minutes that raise an alarm: one timeout on a slow Gemini answer does not.</summary>
    public const int ErrorsAlarmCount = 5;

    public Function Function { get; }
    public Queue Queue { get; }
    public Queue DeadLetters { get; }
    public SecurityGroup SecurityGroup { get; }

    public FunctionParts(Construct scope, string id, Vpc vpc, Code code, ILayerVersion extension, Dictionary<string, string> common, Alerts alerts, FunctionSpec spec)
        : base(scope, id)
    {
        DeadLetters = new Queue(this, "DeadLetters", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED, EnforceSSL = true, RetentionPeriod = Duration.Days(14),
        });
        Queue = new Queue(this, "Queue", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            // AWS's advice for an SQS event source: six times the function's timeout, so a batch in hand is never handed out twice.
            VisibilityTimeout = Duration.Seconds(spec.Timeout.ToSeconds() * 6),
            DeadLetterQueue = new DeadLetterQueue { Queue = DeadLetters, MaxReceiveCount = MaxReceiveCount },
        });
        SecurityGroup = new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = vpc, AllowAllOutbound = true, Description = $"{id}: no inbound; out to the catalog, S3, Secrets Manager and Gemini",
        });
        var environment = new Dictionary<string, string>(common);
        foreach (var (key, value) in spec.Environment) environment[key] = value;
        Function = new Function(this, "Function", new FunctionProps
        {
            Description = $"Annotator's {id}: SQS batches of S3 Object Created events",
            Runtime = Workflow.DotNet10,
            Architecture = Architecture.X86_64,
            Code = code,
            Handler = spec.Handler,
            MemorySize = spec.MemoryMiB,
            Timeout = spec.Timeout,
            Vpc = vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
            SecurityGroups = [SecurityGroup],
            Layers = [extension],
            Environment = environment,
            LogGroup = new LogGroup(this, "Logs", new Amazon.CDK.AWS.Logs.LogGroupProps { Retention = RetentionDays.ONE_MONTH, RemovalPolicy = RemovalPolicy.DESTROY }),
        });
        Function.AddEventSource(new SqsEventSource(Queue, new SqsEventSourceProps
        {
            BatchSize = 10,
            ReportBatchItemFailures = true,
            MaxConcurrency = spec.MaxConcurrency,
        }));

        AlarmAtOrAbove(alerts, "DeadLettersAlarm", $"{id}: a message crashed the function {MaxReceiveCount} times and waits in the dead-letter queue",
            DeadLetters.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = Duration.Minutes(5), Statistic = "Maximum" }), 1, periods: 1);
        // An invocation that throws, times out or cannot start (a broken package, an unreachable secret) is an error;
        // a message reported failed is not. A few in five minutes is a broken function, told long before its messages
        // reach the dead-letter queue (10 receives, an hour at least).
        AlarmAtOrAbove(alerts, "ErrorsAlarm", $"{id}: {ErrorsAlarmCount} or more invocations failed (crashed, timed out or could not start) within 5 minutes",
            Function.MetricErrors(new MetricOptions { Period = Duration.Minutes(5), Statistic = "Sum" }), ErrorsAlarmCount, periods: 1);
        AlarmAtOrAbove(alerts, "BacklogAlarm", $"{id}: over {BacklogAlarmDepth} messages waiting for 15 minutes (Gemini's quota, a broken deploy?)",
            Queue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = Duration.Minutes(5), Statistic = "Minimum" }), BacklogAlarmDepth, periods: 3);
    }

    /// <summary>An alarm on <paramref name="metric"/> at or above <paramref name="threshold"/> for that many 5-minute periods; no data is no alarm.</summary>
    private void AlarmAtOrAbove(Alerts alerts, string name, string description, IMetric metric, double threshold, int periods) =>
        _ = alerts.Watch(new Alarm(this, name, new AlarmProps
        {
            AlarmDescription = description,
            Metric = metric,
            Threshold = threshold, EvaluationPeriods = periods,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        }));
}
