using Annotator.Captioning;
using Annotator.Images;

namespace Annotator.Catalog;

/// <summary>
/// Images, their processing states and captions, search and paging. Every change that starts work
/// writes its outbox entry in the same transaction, so work is never lost or started for nothing.
/// </summary>
public interface IImageCatalog : IReachable
{
    /// <summary>Adds a new image (thumbnail and caption pending) and its ObjectCreated event, atomically.</summary>
    Task AddAsync(ImageRecord image, string rawKey, CancellationToken cancellationToken);

    Task<ImageRecord?> GetAsync(ImageId id, CancellationToken cancellationToken);

    Task<ImagePage> ListAsync(ImageQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Marks <paramref name="work"/> as processing and counts the attempt. Returns the image, or null when
    /// there is nothing to do: the image is gone, or that work is already done or failed.
    /// </summary>
    Task<ImageRecord?> StartAsync(ImageId id, Work work, CancellationToken cancellationToken);

    /// <summary>Puts started work back to pending without counting the attempt (shutdown, not failure).</summary>
    Task AbandonAsync(ImageId id, Work work, CancellationToken cancellationToken);

    /// <summary>Returns false when the image was deleted meanwhile, so the caller can remove what it wrote.</summary>
    Task<bool> CompleteThumbnailAsync(ImageId id, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the caption of work started at <paramref name="generation"/> (see <see cref="ImageRecord.CaptionGeneration"/>).
    /// Returns false when the image was deleted or a newer re-caption superseded this one.
    /// </summary>
    Task<bool> CompleteCaptionAsync(ImageId id, long generation, Caption caption, CancellationToken cancellationToken);

    Task FailAsync(ImageId id, Work work, string reason, CancellationToken cancellationToken);

    /// <summary>Records a failed caption of <paramref name="generation"/>; ignored when a newer re-caption superseded it.</summary>
    Task FailCaptionAsync(ImageId id, long generation, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Puts failed work back to pending and announces the raw object again, atomically: of many concurrent
    /// retries one wins. False when the image is unknown or has no failed work.
    /// </summary>
    Task<bool> RetryAsync(ImageId id, string rawKey, CancellationToken cancellationToken);

    /// <summary>
    /// Asks for a new caption, by <paramref name="choice"/> or the default captioner when null; the current caption
    /// stays until the new one succeeds. False when the image is unknown.
    /// </summary>
    Task<bool> RecaptionAsync(ImageId id, string rawKey, CaptionChoice? choice, CancellationToken cancellationToken);

    /// <summary>
    /// Asks for a new caption of every image matching <paramref name="search"/> and <paramref name="state"/>
    /// (both null: every image), atomically, and returns the job that follows their progress.
    /// </summary>
    Task<RecaptionJob> RecaptionAllAsync(
        string? search, WorkState? state, CaptionChoice? choice, Func<ImageId, ImageFormat, string> rawKeyOf, CancellationToken cancellationToken);

    /// <summary>A re-caption job's progress, or null when there is no such job.</summary>
    Task<RecaptionJob?> GetRecaptionJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="ids"/> have no row (for the orphan sweep).</summary>
    Task<IReadOnlySet<ImageId>> FindMissingAsync(IReadOnlyCollection<ImageId> ids, CancellationToken cancellationToken);

    /// <summary>Removes the row; returns the removed image so its objects can be deleted, or null when it was unknown.</summary>
    Task<ImageRecord?> DeleteAsync(ImageId id, CancellationToken cancellationToken);
}
