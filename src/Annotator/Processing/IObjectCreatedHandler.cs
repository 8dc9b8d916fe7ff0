using Annotator.Events;

namespace Annotator.Processing;

/// <summary>
/// A function fired by <see cref="ObjectCreated"/>: a plain class that knows nothing of its transport.
/// It must be idempotent (events arrive at least once) and record its own failures in the catalog;
/// an exception means even that was impossible, and the transport redelivers later.
/// </summary>
public interface IObjectCreatedHandler
{
    /// <summary>The subscription's stable name ("thumbnail", "caption").</summary>
    string Name { get; }

    /// <summary>How many events this function handles at once.</summary>
    int Concurrency { get; }

    Task HandleAsync(ObjectCreated created, CancellationToken cancellationToken);
}
