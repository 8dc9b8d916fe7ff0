using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;
using Microsoft.Extensions.Logging;

namespace Annotator.Processing;

/// <summary>
/// What a function does when its work failed because the catalog or the object store was down (a database
/// restart, say): the image is not at fault, so it is not failed. The claim is handed back without counting the
/// attempt, and the event comes again after <see cref="RetryAfter"/>, as often as the outage lasts, without spending
/// the delivery's attempts either. Failing it instead would leave a good photo "failed" for a person to retry.
/// </summary>
public sealed class WorkOutages(IImageCatalog catalog, IObjectStore store, WorkLeases leases, ILogger<WorkOutages> logger)
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>"Later" with the claim handed back when <paramref name="failure"/> was an outage; null when it was the work's own.</summary>
    public async Task<HandlerResult?> WaitOutAsync(Exception failure, ImageId id, Work work)
    {
        if (await BackendOutages.BehindAsync(failure, ("catalog", catalog), ("object storage", store)) is not { } backend) return null;
        logger.LogWarning("The {Work} of {Id} waits {Delay}: the {Backend} does not answer ({Error})", work, id, RetryAfter, backend, failure.Message);
        try
        {
            await catalog.ReleaseAsync(id, work, leases.Owner, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The claim then ends with its lease, and the next claim counts it as an interrupted attempt.
            logger.LogDebug(e, "Could not hand back the {Work} claim on {Id}", work, id);
        }
        return HandlerResult.Later(RetryAfter);
    }
}
