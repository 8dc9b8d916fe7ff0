using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;

namespace Annotator.Aws;

/// <summary>
/// Where every alarm of the stack goes: one SNS topic, as both its alarm and its back-to-normal action, and, when the
/// deployer gives <c>alarmEmail</c>, that address subscribed to it (AWS mails a confirmation link first). Without an
/// address the topic is still there for a chat hook or a pager to subscribe to.
/// </summary>
public sealed class Alerts : Construct
{
    public Topic Topic { get; }

    public Alerts(Construct scope, string id, StackSettings settings) : base(scope, id)
    {
        Topic = new Topic(this, "Topic", new TopicProps { DisplayName = "Annotator alarms" });
        // A topic policy replaces SNS's default one, so it names who publishes: CloudWatch, for this account's alarms
        // only; and, as the bucket and the queues do, it refuses every request without TLS.
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Effect = Effect.ALLOW,
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Amazon.CDK.Aws.ACCOUNT_ID } },
        }));
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Effect = Effect.DENY,
            Principals = [new AnyPrincipal()],
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
            Conditions = new Dictionary<string, object> { ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" } },
        }));
        if (settings.AlarmEmail.Length > 0) Topic.AddSubscription(new EmailSubscription(settings.AlarmEmail));
    }

    /// <summary>An alarm that tells the topic when it fires and when it clears.</summary>
    public Alarm Watch(Alarm alarm)
    {
        var action = new SnsAction(Topic);
        alarm.AddAlarmAction(action);
        alarm.AddOkAction(action);
        return alarm;
    }
}
