namespace Annotator.Events;

/// <summary>
/// Where every transport keeps what it gave up on, so the API and the image page show them the same way on
/// every transport. Kept in the catalog's database beside the images they belong to.
/// </summary>
public interface IDeadLetters
{
    Task AddAsync(string subscriber, ObjectCreated @event, int attempts, string reason, CancellationToken cancellationToken);

    /// <summary>Newest first; only those of <paramref name="key"/> when it is given.</summary>
    Task<IReadOnlyList<DeadLetter>> ListAsync(string? key, int limit, CancellationToken cancellationToken);

    /// <summary>Removes and returns one, for replay; null when it is gone (replayed meanwhile).</summary>
    Task<DeadLetter?> TakeAsync(long id, CancellationToken cancellationToken);
}
