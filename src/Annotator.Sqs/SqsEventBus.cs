using Amazon.SQS;
using Amazon.SQS.Model;
using Annotator.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Events.Sqs;

/// <summary>
/// The AWS shape's bus, seen from the web tier: events go to each function's SQS queue, where the Lambda functions
/// take them (S3's own events arrive there through EventBridge too; the functions' claims absorb the duplicate).
/// Nothing consumes here: the functions are Lambda functions.
/// </summary>
public sealed class SqsEventBus(IAmazonSQS sqs, IOptions<SqsOptions> options, TimeProvider time, ILogger<SqsEventBus> logger) : IEventBus
{
    private const int BatchLimit = 10; // SQS's SendMessageBatch maximum

    private IReadOnlyDictionary<string, string> Queues => options.Value.Queues;

    public async Task PublishAsync(IReadOnlyList<ObjectCreated> events, CancellationToken cancellationToken)
    {
        foreach (var queue in Queues.Values)
            foreach (var chunk in events.Chunk(BatchLimit))
                await SendAsync(queue, chunk, cancellationToken);
    }

    public Task RedeliverAsync(string subscriber, ObjectCreated @event, CancellationToken cancellationToken) =>
        Queues.TryGetValue(subscriber, out var queue)
            ? SendAsync(queue, [@event], cancellationToken)
            : throw new ArgumentException($"no queue for the function '{subscriber}' ({SqsOptions.Section}:Queues names {string.Join(", ", Queues.Keys)})", nameof(subscriber));

    public async Task ConsumeAsync(IObjectCreatedHandler function, CancellationToken stoppingToken)
    {
        logger.LogInformation("{Function} runs on Lambda from its SQS queue; this node does not consume it", function.Name);
        try { await Task.Delay(Timeout.Infinite, stoppingToken); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in Queues.Values)
            await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queue, AttributeNames = ["QueueArn"] }, cancellationToken);
    }

    /// <summary>Returns once SQS holds every message; one it refused throws, so the outbox keeps the batch and sends it again.</summary>
    private async Task SendAsync(string queue, IReadOnlyList<ObjectCreated> events, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var response = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = queue,
            Entries = [.. events.Select((e, i) => new SendMessageBatchRequestEntry(i.ToString(), ObjectCreatedMessage.Format(e, now)))],
        }, cancellationToken);
        if (response.Failed is { Count: > 0 } failed)
            throw new AmazonSQSException($"SQS refused {failed.Count} of {events.Count} messages for {queue}: {failed[0].Code} {failed[0].Message}");
    }
}
