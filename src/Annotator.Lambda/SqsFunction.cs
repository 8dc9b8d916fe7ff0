using System.Collections.Concurrent;
using Annotator.Catalog;
using Annotator.Events;
using Annotator.Events.Sqs;
using Annotator.Processing;
using Annotator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Lambda;

/// <summary>
/// A thin host over one of the core's functions, as Lambda runs it: built once per execution environment (the
/// constructor is the init phase), then one SQS batch per invocation, each message through the same
/// <see cref="DeliveryRunner"/> the other transports use. The answer lists the messages SQS must deliver again
/// (partial batch failures); every other one is deleted from the queue.
/// </summary>
public abstract class SqsFunction
{
    /// <summary>
    /// S3 sends its event when the object lands, and the web node commits the image's row just after: an event for an
    /// image the catalog does not have yet is delivered again (after the queue's visibility timeout) for this long
    /// after it happened. Past that there is no upload to wait for: it was deleted, or its upload failed.
    /// </summary>
    public static readonly TimeSpan RowGrace = TimeSpan.FromMinutes(10);

    private readonly ServiceProvider _services;
    private readonly IObjectCreatedHandler _function;
    private readonly DeliveryRunner _runner;
    private readonly IImageCatalog _catalog;
    private readonly IDeadLetters _deadLetters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    protected SqsFunction(string name)
    {
        _services = FunctionServices.Build();
        // What ValidateOnStart checks on every other shape: a wrong setting fails the init phase with its message.
        _services.GetService<IStartupValidator>()?.Validate();
        _function = _services.GetServices<IObjectCreatedHandler>().Single(f => f.Name == name);
        _logger = _services.GetRequiredService<ILoggerFactory>().CreateLogger(GetType().FullName!);
        _runner = new DeliveryRunner(_function, _services.GetRequiredService<IOptions<EventsOptions>>().Value, _logger);
        _catalog = _services.GetRequiredService<IImageCatalog>();
        _deadLetters = _services.GetRequiredService<IDeadLetters>();
        _time = _services.GetRequiredService<TimeProvider>();
    }

    /// <summary>The handler Lambda calls: an SQS batch in, <c>{"batchItemFailures":[…]}</c> out.</summary>
    public async Task<Stream> HandleAsync(Stream input)
    {
        var messages = await SqsBatch.ReadAsync(input, CancellationToken.None);
        var failed = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _function.Concurrency) }, async (message, _) =>
        {
            if (!await HandleAsync(message)) failed.Add(message.MessageId);
        });
        return SqsBatch.Failures(failed);
    }

    /// <summary>True when the message is done with (deleted from the queue), false to have it delivered again.</summary>
    private async Task<bool> HandleAsync(SqsBatch.Message message)
    {
        if (!ObjectCreatedMessage.TryParse(message.Body, out var created, out var time, out var problem))
        {
            _logger.LogWarning("Dropped message {MessageId}: {Problem}", message.MessageId, problem);
            return true;
        }
        if (!ObjectKeys.TryParseRaw(created.Key, out var id, out _))
        {
            _logger.LogWarning("Dropped message {MessageId}: {Key} is not an original under {Prefix}", message.MessageId, created.Key, ObjectKeys.RawPrefix);
            return true;
        }
        try
        {
            if (await _catalog.GetAsync(id, CancellationToken.None) is null)
            {
                var age = _time.GetUtcNow() - time;
                if (age < RowGrace)
                {
                    _logger.LogInformation("{Key} is not in the catalog yet (its upload is committing): delivered again later", created.Key);
                    return false;
                }
                _logger.LogWarning("Dropped message {MessageId}: {Key} has no image in the catalog {Age} after its event (deleted, or its upload failed)", message.MessageId, created.Key, age);
                return true;
            }
            // Receives count every delivery, a busy one too: an attempt may be counted early, never missed.
            var verdict = await _runner.RunAsync(created, message.ReceiveCount - 1, CancellationToken.None);
            if (verdict.Action == Settle.DeadLetter)
                await _deadLetters.AddAsync(_function.Name, created, verdict.Attempts, verdict.Reason ?? "", CancellationToken.None);
            return verdict.Action != Settle.Retry;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "{Function} could not handle {Key}; SQS delivers it again", _function.Name, created.Key);
            return false;
        }
    }
}
