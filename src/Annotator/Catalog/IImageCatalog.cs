using Annotator.Captioning;
using Annotator.Images;

using Annotator.Access;

namespace Annotator.Catalog;

/// <summary>
/// Images, their processing states and captions, search and paging, claims on work, and the change feed.
/// Every change that starts work writes its outbox entry in the same transaction, so work is never lost or
/// started for nothing, and every change to an image appends to the feed in that transaction too.
/// </summary>
public interface IImageCatalog : IReachable
{
    /// <summary>
    /// Adds a new image (thumbnail and caption pending), its ObjectCreated event and the audit entry recording the
    /// upload (when given), atomically; returns it as stored, with its feed version and time. Throws
    /// <see cref="DuplicateContentException"/>, having written nothing, when another image has its
    /// <see cref="ImageRecord.ContentSha256"/>: of concurrent uploads of one file, the database lets one through.
    /// </summary>
    Task<ImageRecord> AddAsync(ImageRecord image, string rawKey, AuditEntry? audit, CancellationToken cancellationToken);

    /// <summary>The image whose original has this SHA-256 (lowercase hex), or null.</summary>
    Task<ImageRecord?> FindByContentAsync(string sha256, CancellationToken cancellationToken);

    Task<ImageRecord?> GetAsync(ImageId id, CancellationToken cancellationToken);

    Task<ImagePage> ListAsync(ImageQuery query, CancellationToken cancellationToken);

    /// <summary>How many images <paramref name="query"/> takes in all; its cursor and limit are ignored.</summary>
    Task<long> CountAsync(ImageQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Claims <paramref name="work"/> for <paramref name="lease"/>'s owner and counts the attempt: when it is pending,
    /// or processing under a claim that expired (its owner died) or is the owner's own. The attempt that would go
    /// past <see cref="WorkAttempts.Max"/> fails the work instead (<see cref="WorkAttempts.Exhausted"/>).
    /// </summary>
    Task<WorkClaim> ClaimAsync(ImageId id, Work work, WorkLease lease, CancellationToken cancellationToken);

    /// <summary>Extends the owner's claim by the lease's duration; false when the claim is no longer the owner's.</summary>
    Task<bool> RenewAsync(ImageId id, Work work, WorkLease lease, CancellationToken cancellationToken);

    /// <summary>Hands claimed work back to pending without counting the attempt (shutdown, not failure).</summary>
    Task ReleaseAsync(ImageId id, Work work, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Finishes the thumbnail work and stores the image's <see cref="Thumbnails.PerceptualHash"/>; in the same transaction
    /// the image and every image within <see cref="Thumbnails.PerceptualHash.SimilarDistance"/> of it are marked as having
    /// near-duplicates (<see cref="ImageQuery.Similar"/>). Null (tests, old workers): no hash.
    /// </summary>
    Task<Completion> CompleteThumbnailAsync(ImageId id, string owner, long? perceptualHash, CancellationToken cancellationToken);

    /// <summary>
    /// Images whose thumbnails are done but that have no perceptual hash (from before V6, when none was computed), with ids
    /// after <paramref name="after"/> ("" for the first), in id order, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<ImageId>> FindUnhashedAsync(string after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the perceptual hash of an image that has none and marks near-duplicates as <see cref="CompleteThumbnailAsync"/>
    /// does, in one transaction, recorded in the change feed. False when the image is gone, not thumbnailed, or hashed already.
    /// </summary>
    Task<bool> StoreHashAsync(ImageId id, long perceptualHash, CancellationToken cancellationToken);

    /// <summary>
    /// The images whose perceptual hash is within <paramref name="maxDistance"/> bits of <paramref name="id"/>'s, nearest
    /// first (then newest), at most <paramref name="limit"/>; none when the image has no hash yet or is unknown.
    /// </summary>
    Task<IReadOnlyList<SimilarImage>> FindSimilarAsync(ImageId id, int maxDistance, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the caption of work claimed at <paramref name="generation"/> (see <see cref="ImageRecord.CaptionGeneration"/>);
    /// superseded when a newer re-caption was asked for meanwhile. Either way the owner's claim ends.
    /// </summary>
    Task<Completion> CompleteCaptionAsync(ImageId id, string owner, long generation, Caption caption, CancellationToken cancellationToken);

    Task FailThumbnailAsync(ImageId id, string owner, string reason, CancellationToken cancellationToken);

    /// <summary>Records a failed caption of <paramref name="generation"/>; ignored (but the claim ends) when a newer re-caption superseded it.</summary>
    Task FailCaptionAsync(ImageId id, string owner, long generation, string reason, CancellationToken cancellationToken);

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

    /// <summary>
    /// Images with pending or processing work that no live claim holds and that have not changed since
    /// <paramref name="unchangedSince"/>, oldest first: work whose event was lost (for the stalled-work sweep).
    /// </summary>
    Task<IReadOnlyList<(ImageId Id, ImageFormat Format)>> FindStalledAsync(DateTimeOffset unchangedSince, int limit, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="ids"/> have no row (for the orphan sweep).</summary>
    Task<IReadOnlySet<ImageId>> FindMissingAsync(IReadOnlyCollection<ImageId> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a person's review of the image's caption with its audit entry (when given), atomically, as a change in the
    /// feed; it replaces an earlier review and leaves the prediction as it is. An acceptance takes the prediction the
    /// image holds at that moment, and is <see cref="ReviewOutcome.NoPrediction"/> when it has none yet.
    /// </summary>
    Task<ReviewResult> ReviewAsync(ImageId id, Review review, AuditEntry? audit, CancellationToken cancellationToken);

    /// <summary>
    /// Accepts, as <paramref name="by"/>, each of <paramref name="ids"/> that has a prediction and no review yet, with the
    /// audit entry (when given; its detail becomes how many were accepted), atomically, one feed change per image
    /// accepted; returns those it accepted.
    /// </summary>
    Task<IReadOnlyList<ImageId>> AcceptAllAsync(IReadOnlyCollection<ImageId> ids, Reviewer by, AuditEntry? audit, CancellationToken cancellationToken);

    /// <summary>Removes the row; returns the removed image so its objects can be deleted, or null when it was unknown.</summary>
    Task<ImageRecord?> DeleteAsync(ImageId id, CancellationToken cancellationToken);

    /// <summary>The change feed after <paramref name="afterVersion"/>, oldest first. A first entry above
    /// <paramref name="afterVersion"/> + 1 means the ones between were pruned.</summary>
    Task<IReadOnlyList<ImageChange>> ReadChangesAsync(long afterVersion, int limit, CancellationToken cancellationToken);

    /// <summary>The newest change's version; 0 before the first.</summary>
    Task<long> LatestVersionAsync(CancellationToken cancellationToken);

    /// <summary>Forgets changes older than <paramref name="before"/>, always keeping the newest.</summary>
    Task PruneChangesAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
