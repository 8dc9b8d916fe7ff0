using System.Threading.Channels;
using Annotator.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Events.InProcess;

/// <summary>
/// The event bus without a broker: a durable queue per function in the catalog's database
/// (<see cref="IDeliveryQueue"/>). Each function drains its own (a slow captioner never holds up thumbnails).
/// A delivery taken is hidden for <see cref="HideFor"/>; one its process did not settle comes back by itself.
/// </summary>
public sealed class InProcessEventBus(
    IDeliveryQueue queue, IDeadLetters deadLetters, IEnumerable<IObjectCreatedHandler> functions, IOptions<WorkOptions> work,
    IOptions<EventsOptions> options, ILogger<InProcessEventBus> logger)
    : IEventBus
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly string[] _subscribers = [.. functions.Select(f => f.Name).Order(StringComparer.Ordinal)];
    private readonly OutboxSignal _published = new();

    /// <summary>As long as a claim: work still running then is renewing its claim, so a second delivery finds it busy.</summary>
    private TimeSpan HideFor => work.Value.LeaseDuration;

    public async Task PublishAsync(IReadOnlyList<ObjectCreated> events, CancellationToken cancellationToken)
    {
        await queue.EnqueueAsync(_subscribers, events, cancellationToken);
        _published.Pulse();
    }

    public async Task RedeliverAsync(string subscriber, ObjectCreated @event, CancellationToken cancellationToken)
    {
        await queue.EnqueueAsync([subscriber], [@event], cancellationToken);
        _published.Pulse();
    }

    public Task CheckAsync(CancellationToken cancellationToken) => Task.CompletedTask; // its queue is the catalog's, checked there

    public async Task ConsumeAsync(IObjectCreatedHandler function, CancellationToken stoppingToken)
    {
        var wake = _published.Subscribe();
        var runner = new DeliveryRunner(function, options.Value, logger);
        var inHand = Channel.CreateBounded<QueuedDelivery>(new BoundedChannelOptions(function.Concurrency) { SingleWriter = true });
        var workers = Enumerable.Range(0, function.Concurrency)
            .Select(_ => Task.Run(() => WorkAsync(runner, inHand.Reader, stoppingToken), CancellationToken.None))
            .ToArray();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                IReadOnlyList<QueuedDelivery> batch;
                try
                {
                    // Only as many as the workers can start now: the rest stay in the queue for other nodes.
                    batch = await queue.TakeAsync(function.Name, function.Concurrency, HideFor, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "The {Subscriber} subscriber could not read its queue; trying again", function.Name);
                    await Task.Delay(PollInterval, stoppingToken);
                    continue;
                }
                for (var i = 0; i < batch.Count; i++)
                {
                    try
                    {
                        await inHand.Writer.WriteAsync(batch[i], stoppingToken);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        // Taken but never in a worker's hands: hand them back now, not when their hiding ends.
                        foreach (var untouched in batch.Skip(i)) await SettleAsync(function.Name, untouched, new Verdict(Settle.Retry, TimeSpan.Zero, untouched.Attempts));
                        throw;
                    }
                }
                if (batch.Count == 0) await wake.WaitAsync(PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            inHand.Writer.TryComplete();
            await Task.WhenAll(workers);
        }
    }

    private async Task WorkAsync(DeliveryRunner runner, ChannelReader<QueuedDelivery> inHand, CancellationToken stoppingToken)
    {
        // Read to the end even when stopping, so that every delivery taken is handed back at once.
        await foreach (var delivery in inHand.ReadAllAsync(CancellationToken.None))
        {
            Verdict verdict;
            try
            {
                stoppingToken.ThrowIfCancellationRequested();
                verdict = await runner.RunAsync(delivery.Event, delivery.Attempts, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                verdict = new Verdict(Settle.Retry, TimeSpan.Zero, delivery.Attempts); // shutdown, not failure
            }
            await SettleAsync(runner.Function.Name, delivery, verdict);
        }
    }

    private async Task SettleAsync(string subscriber, QueuedDelivery delivery, Verdict verdict)
    {
        try
        {
            switch (verdict.Action)
            {
                case Settle.Acknowledge:
                    await queue.AcknowledgeAsync(delivery.Id, CancellationToken.None);
                    break;
                case Settle.Retry:
                    await queue.DeferAsync(delivery.Id, verdict.Delay, verdict.Attempts, CancellationToken.None);
                    break;
                case Settle.DeadLetter:
                    await deadLetters.AddAsync(subscriber, delivery.Event, verdict.Attempts, verdict.Reason ?? "", CancellationToken.None);
                    await queue.AcknowledgeAsync(delivery.Id, CancellationToken.None);
                    break;
            }
        }
        catch (Exception e)
        {
            // Unsettled, the delivery comes back when its hiding ends: at least once, never lost.
            logger.LogWarning(e, "Could not settle {Subscriber}'s delivery of {Key}; it comes back later", subscriber, delivery.Event.Key);
        }
    }
}
