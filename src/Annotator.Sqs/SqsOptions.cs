namespace Annotator.Events.Sqs;

/// <summary><c>Annotator:Events:Sqs</c>: each function's queue (the functions themselves run on Lambda).</summary>
public sealed class SqsOptions
{
    public const string Section = "Annotator:Events:Sqs";

    /// <summary>The AWS region; empty uses the AWS chain's (<c>AWS_REGION</c>, the instance's).</summary>
    public string Region { get; set; } = "";

    /// <summary>An SQS-compatible endpoint instead of AWS's (tests, local stand-ins).</summary>
    public string ServiceUrl { get; set; } = "";

    /// <summary>Queue URL by function name: <c>Queues:thumbnail</c>, <c>Queues:caption</c>.</summary>
    public Dictionary<string, string> Queues { get; set; } = new(StringComparer.Ordinal);
}
