namespace Annotator.Events;

/// <summary>
/// An event waiting in the outbox, written in the same transaction as the change it announces.
/// <see cref="Delivered"/> holds one bit per subscriber that has finished with it.
/// </summary>
public sealed record OutboxEntry(long Id, ObjectCreated Event, int Delivered);
