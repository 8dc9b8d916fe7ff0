using Annotator.Processing;
using Microsoft.Extensions.Logging;

namespace Annotator.Events;

/// <summary>What a transport does with a delivery once its function has run.</summary>
public enum Settle
{
    /// <summary>Finished: forget it.</summary>
    Acknowledge,
    /// <summary>Deliver it again after <see cref="Verdict.Delay"/>, with <see cref="Verdict.Attempts"/> failed attempts so far.</summary>
    Retry,
    /// <summary>Every attempt failed: keep it as a dead letter with <see cref="Verdict.Reason"/>.</summary>
    DeadLetter,
}

public readonly record struct Verdict(Settle Action, TimeSpan Delay = default, int Attempts = 0, string? Reason = null);

/// <summary>
/// Runs one function's deliveries the same way on every transport: one delivery per key at a time on this
/// node (<see cref="RunningKeys"/>), "busy elsewhere" retried without spending an attempt, throws retried
/// after <see cref="EventsOptions.RetryDelays"/> and dead-lettered after <see cref="EventsOptions.MaxAttempts"/>.
/// </summary>
public sealed class DeliveryRunner(IObjectCreatedHandler function, EventsOptions options, ILogger logger)
{
    private readonly RunningKeys _running = new();

    public IObjectCreatedHandler Function => function;

    /// <param name="failedAttempts">How many earlier deliveries of this message threw.</param>
    /// <remarks>Throws <see cref="OperationCanceledException"/> when stopping: the transport hands the delivery back untouched.</remarks>
    public async Task<Verdict> RunAsync(ObjectCreated @event, int failedAttempts, CancellationToken stoppingToken)
    {
        // A key already in hand is acknowledged at once: the running delivery runs once more for it and
        // stays unsettled until then, so a crash in between delivers that one again.
        if (!_running.TryStart(@event.Key)) return new Verdict(Settle.Acknowledge);
        var verdict = new Verdict(Settle.Acknowledge);
        try
        {
            do verdict = await RunOnceAsync(@event, failedAttempts, stoppingToken);
            while (_running.Finish(@event.Key, mayRunAgain: verdict.Action == Settle.Acknowledge));
        }
        catch
        {
            _running.Finish(@event.Key, mayRunAgain: false);
            throw;
        }
        return verdict;
    }

    private async Task<Verdict> RunOnceAsync(ObjectCreated @event, int failedAttempts, CancellationToken stoppingToken)
    {
        try
        {
            var result = await function.HandleAsync(@event, stoppingToken);
            return result.RetryAfter is { } later ? new Verdict(Settle.Retry, later, failedAttempts) : new Verdict(Settle.Acknowledge);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            var attempts = failedAttempts + 1;
            if (attempts >= options.MaxAttempts)
            {
                logger.LogError(e, "{Subscriber} could not handle {Key} in {Attempts} attempts; it is kept as a dead letter", function.Name, @event.Key, attempts);
                return new Verdict(Settle.DeadLetter, Attempts: attempts, Reason: e.Message);
            }
            var delay = options.DelayAfter(attempts);
            logger.LogWarning(e, "{Subscriber} could not handle {Key}; trying again in {Delay}", function.Name, @event.Key, delay);
            return new Verdict(Settle.Retry, delay, attempts, e.Message);
        }
    }
}
