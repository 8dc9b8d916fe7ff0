using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Annotator;

/// <summary>
/// A clean-up that runs every <see cref="Interval"/> until the host stops. A sweep that fails (a backend briefly
/// down) is logged and the next one runs on time: it must never stop the process. The sweeps of every node are
/// safe to run at once, each deciding from the shared catalog or store alone.
/// </summary>
public abstract class PeriodicSweep(TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    protected ILogger Logger { get; } = logger;

    /// <summary>What the log calls it ("orphan sweep").</summary>
    protected abstract string Name { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>Before the first sweep: by default one interval, so a node starting up is not slowed by it.</summary>
    protected virtual TimeSpan FirstDelay => Interval;

    /// <summary>One sweep; returns how many things it dealt with.</summary>
    public abstract Task<int> SweepAsync(CancellationToken cancellationToken);

    /// <summary>Logs a sweep that dealt with <paramref name="count"/> (more than zero) things.</summary>
    protected abstract void Report(int count);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstDelay, Time, stoppingToken);
            while (true)
            {
                try
                {
                    if (await SweepAsync(stoppingToken) is > 0 and var count) Report(count);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Logger.LogWarning(e, "The {Sweep} failed; it runs again in {Interval}", Name, Interval);
                }
                await Task.Delay(Interval, Time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
