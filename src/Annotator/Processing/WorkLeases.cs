using Annotator.Catalog;
using Annotator.Images;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Processing;

/// <summary>
/// This process's claims on work: one owner name for the process, claims through the catalog, and a
/// <see cref="HeldWork"/> that renews a claim while its work runs.
/// </summary>
public sealed class WorkLeases(IImageCatalog catalog, IOptions<WorkOptions> options, TimeProvider time, ILogger<WorkLeases> logger)
{
    /// <summary>The machine's name makes a claim readable in the database; the random part makes each process its own owner.</summary>
    public WorkLease Lease { get; } = new($"{Environment.MachineName[..Math.Min(40, Environment.MachineName.Length)]}/{Environment.ProcessId}/{Guid.NewGuid():N}", options.Value.LeaseDuration);

    public string Owner => Lease.Owner;

    public Task<WorkClaim> ClaimAsync(ImageId id, Work work, CancellationToken cancellationToken) => catalog.ClaimAsync(id, work, Lease, cancellationToken);

    /// <summary>When to look again at work another owner holds: soon, since most claims end by finishing, but never before a second.</summary>
    public HandlerResult Later(WorkClaim busy)
    {
        var left = (busy.BusyUntil ?? time.GetUtcNow()) - time.GetUtcNow();
        return HandlerResult.Later(TimeSpan.FromSeconds(Math.Clamp(left.TotalSeconds, 1, 5)));
    }

    /// <summary>Renews the claim every third of the lease until disposed; <see cref="HeldWork.Token"/> fires if the claim is lost.</summary>
    public HeldWork Hold(ImageId id, Work work, CancellationToken cancellationToken) => new(catalog, id, work, Lease, time, logger, cancellationToken);
}

/// <summary>A claim kept alive while its work runs.</summary>
public sealed class HeldWork : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost;
    private readonly CancellationTokenSource _done = new();
    private readonly Task _renewal;

    internal HeldWork(IImageCatalog catalog, ImageId id, Work work, WorkLease lease, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        _lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _renewal = RenewAsync(catalog, id, work, lease, time, logger);
    }

    /// <summary>The caller's token, plus "the claim was lost": another owner has the work now.</summary>
    public CancellationToken Token => _lost.Token;

    /// <summary>True when the work stopped because another owner took it over.</summary>
    public bool Lost { get; private set; }

    private async Task RenewAsync(IImageCatalog catalog, ImageId id, Work work, WorkLease lease, TimeProvider time, ILogger logger)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease.Duration / 3, time, _done.Token);
                try
                {
                    if (await catalog.RenewAsync(id, work, lease, _done.Token)) continue;
                    logger.LogWarning("The {Work} claim on {Id} was taken over by another node; this node stops working on it", work, id);
                    Lost = true;
                    await _lost.CancelAsync();
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Keep working and keep trying: the claim lasts until its expiry, and a brief outage is the usual cause.
                    logger.LogWarning(e, "Could not renew the {Work} claim on {Id}; trying again", work, id);
                }
            }
        }
        catch (OperationCanceledException) when (_done.IsCancellationRequested) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _done.CancelAsync();
        await _renewal;
        _lost.Dispose();
        _done.Dispose();
    }
}
