using System.Threading.Channels;
using Annotator.Processing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Annotator.Events.InProcess;

/// <summary>
/// The embedded shape's event bus: the outbox table is the durable queue. Each subscriber drains it
/// on its own (a slow captioner never holds up thumbnails), acknowledges what it finished, and the
/// entry disappears once every subscriber has. After a crash, start-up reads everything unacknowledged
/// again: delivery is at least once, and the functions are idempotent.
/// </summary>
public sealed class InProcessEventBus(
    IOutbox outbox, OutboxSignal signal, IEnumerable<IObjectCreatedHandler> handlers, ILogger<InProcessEventBus> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private readonly IReadOnlyList<IObjectCreatedHandler> _handlers = [.. handlers.OrderBy(h => h.Name, StringComparer.Ordinal)];

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var allBits = (1 << _handlers.Count) - 1;
        return Task.WhenAll(_handlers.Select((handler, index) => Task.Run(() => RunSubscriberAsync(handler, 1 << index, allBits, stoppingToken), stoppingToken)));
    }

    private async Task RunSubscriberAsync(IObjectCreatedHandler handler, int bit, int allBits, CancellationToken stoppingToken)
    {
        var wake = signal.Subscribe();
        var queue = Channel.CreateBounded<OutboxEntry>(new BoundedChannelOptions(handler.Concurrency * 2) { SingleWriter = true });
        var running = new RunningKeys();
        var workers = Enumerable.Range(0, handler.Concurrency)
            .Select(_ => Task.Run(() => WorkAsync(handler, queue.Reader, running, bit, allBits, stoppingToken), stoppingToken))
            .ToArray();
        long cursor = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                IReadOnlyList<OutboxEntry> batch;
                try
                {
                    batch = await outbox.ReadAsync(cursor, bit, 256, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A busy or briefly unreachable catalog must not stop the process: wait and read again.
                    logger.LogWarning(e, "The {Subscriber} subscriber could not read the outbox; trying again", handler.Name);
                    await Task.Delay(PollInterval, stoppingToken);
                    continue;
                }
                foreach (var entry in batch)
                {
                    await queue.Writer.WriteAsync(entry, stoppingToken);
                    cursor = entry.Id;
                }
                if (batch.Count < 256) await wake.WaitAsync(PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            queue.Writer.TryComplete();
            await Task.WhenAll(workers);
        }
    }

    private async Task WorkAsync(
        IObjectCreatedHandler handler, ChannelReader<OutboxEntry> queue, RunningKeys running, int bit, int allBits, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var entry in queue.ReadAllAsync(stoppingToken))
            {
                var key = entry.Event.Key;
                // A key already in hand is acknowledged at once: the running delivery runs once more for it and
                // stays unacknowledged until then, so a crash in between delivers that one again.
                var delivered = true;
                if (running.TryStart(key))
                {
                    try
                    {
                        do delivered = await DeliverAsync(handler, entry, stoppingToken);
                        while (running.Finish(key, mayRunAgain: delivered));
                    }
                    catch
                    {
                        running.Finish(key, mayRunAgain: false);
                        throw;
                    }
                }
                if (delivered) await outbox.AcknowledgeAsync(entry.Id, bit, allBits, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>
    /// Runs the function, retrying a few times when it throws: it records its own failures, so an
    /// exception means the catalog or the storage is unreachable, which is usually brief. After the
    /// last try the entry stays unacknowledged and is delivered again at the next start.
    /// </summary>
    private async Task<bool> DeliverAsync(IObjectCreatedHandler handler, OutboxEntry entry, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await handler.HandleAsync(entry.Event, stoppingToken);
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (attempt == RetryDelays.Length)
                {
                    logger.LogError(e, "{Subscriber} could not handle {Key}; it will be delivered again at the next start", handler.Name, entry.Event.Key);
                    return false;
                }
                logger.LogWarning(e, "{Subscriber} could not handle {Key}; trying again in {Delay}", handler.Name, entry.Event.Key, RetryDelays[attempt]);
                await Task.Delay(RetryDelays[attempt], stoppingToken);
            }
        }
    }

    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];
}
