using System.Collections.Concurrent;
using Annotator.Catalog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Annotator.Exports;

/// <summary>
/// Runs exports on the node that was asked for them, in the background, at most <see cref="MaxRunning"/> at once (each
/// reads the store and the catalog as fast as they answer). The job's progress is in the store, so any node answers for
/// it; when this node stops, its running exports end failed, saying so, and their partial objects are never visible.
/// </summary>
public sealed class ExportRunner(IImageCatalog catalog, ExportWriter writer, ExportJobs jobs, TimeProvider time, ILogger<ExportRunner> logger)
    : BackgroundService
{
    public const int MaxRunning = 2;

    private readonly ConcurrentDictionary<string, Task> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _taken; // places taken, by running exports and by those being started

    /// <summary>Starts an export; null when this node already runs <see cref="MaxRunning"/>.</summary>
    public async Task<ExportJob?> StartAsync(ExportRequest request, string? byId, string? byName, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _taken) > MaxRunning)
        {
            Interlocked.Decrement(ref _taken);
            return null;
        }
        try
        {
            return await LaunchAsync(request, byId, byName, cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _taken);
            throw;
        }
    }

    private async Task<ExportJob> LaunchAsync(ExportRequest request, string? byId, string? byName, CancellationToken cancellationToken)
    {
        var total = await catalog.CountAsync(new ImageQuery(null, 1, request.Search, null, Review: request.Review), cancellationToken);
        var now = time.GetUtcNow();
        var job = new ExportJob(
            ExportJobs.NewId(), request.Format.Name(), request.Search, request.Review.ToString(), request.MaxEdge, request.Metadata,
            [.. request.Split.Used], byId, byName, now, ExportState.Running, total, 0, 0, null, null, now, null);
        await jobs.SaveAsync(job, cancellationToken);
        _running[job.Id] = Task.Run(async () =>
        {
            try
            {
                var finished = await writer.RunAsync(job, request, _stopping.Token);
                if (finished.State == ExportState.Failed) logger.LogWarning("Export {Id} failed: {Error}", job.Id, finished.Error);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Export {Id} could not record its end", job.Id);
            }
            finally
            {
                _running.TryRemove(job.Id, out _);
                Interlocked.Decrement(ref _taken);
            }
        }, CancellationToken.None);
        return job;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Values);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }
}
