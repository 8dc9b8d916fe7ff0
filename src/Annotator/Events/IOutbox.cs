namespace Annotator.Events;

/// <summary>
/// The durable outbox events leave from: the catalog writes it with the change an event announces, the
/// <see cref="OutboxRelay"/> hands its entries to the event bus and then removes them.
/// </summary>
public interface IOutbox
{
    /// <summary>The oldest entries, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<OutboxEntry>> ReadAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Removes entries the event bus has taken; removing one already gone is not an error.</summary>
    Task RemoveAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);
}
