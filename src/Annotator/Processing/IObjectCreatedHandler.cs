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

    Task<HandlerResult> HandleAsync(ObjectCreated created, CancellationToken cancellationToken);
}

/// <summary>What a function made of one event: done, or "another node is on it, deliver it again later".</summary>
public readonly record struct HandlerResult(TimeSpan? RetryAfter)
{
    public static HandlerResult Done => default;

    public static HandlerResult Later(TimeSpan delay) => new(delay);
}
