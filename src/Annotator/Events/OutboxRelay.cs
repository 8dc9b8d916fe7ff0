using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Annotator.Events;

/// <summary>
/// Moves events from the outbox to the event bus: publish (durable once it returns), then remove. A crash
/// between the two publishes them again, and relays on several nodes may publish one twice: delivery is at
/// least once, and the functions' claims make a duplicate cost one read.
/// </summary>
public sealed class OutboxRelay(IOutbox outbox, IEventBus bus, OutboxSignal signal, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int Batch = 256;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wake = signal.Subscribe();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                int relayed;
                try
                {
                    relayed = await RelayOnceAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // A briefly unreachable catalog or broker must not stop the relay (a timeout included): wait and try again.
                    logger.LogWarning(e, "Could not relay the outbox to the event bus; trying again");
                    await Task.Delay(PollInterval * 2, stoppingToken);
                    continue;
                }
                if (relayed < Batch) await wake.WaitAsync(PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>Relays one batch; returns how many entries it moved.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var entries = await outbox.ReadAsync(Batch, cancellationToken);
        if (entries.Count == 0) return 0;
        await bus.PublishAsync([.. entries.Select(e => e.Event)], cancellationToken);
        await outbox.RemoveAsync([.. entries.Select(e => e.Id)], cancellationToken);
        return entries.Count;
    }
}
