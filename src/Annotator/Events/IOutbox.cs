namespace Annotator.Events;

/// <summary>The durable outbox that events leave from; the catalog writes it, the event bus drains it.</summary>
public interface IOutbox
{
    /// <summary>Entries with an id above <paramref name="afterId"/> that subscriber <paramref name="bit"/> has not finished, oldest first.</summary>
    Task<IReadOnlyList<OutboxEntry>> ReadAsync(long afterId, int bit, int limit, CancellationToken cancellationToken);

    /// <summary>Records that subscriber <paramref name="bit"/> finished an entry; removes it once every bit in <paramref name="allBits"/> has.</summary>
    Task AcknowledgeAsync(long id, int bit, int allBits, CancellationToken cancellationToken);
}
