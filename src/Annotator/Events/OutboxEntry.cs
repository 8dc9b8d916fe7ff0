namespace Annotator.Events;

/// <summary>An event waiting in the outbox, written in the same transaction as the change it announces.</summary>
public sealed record OutboxEntry(long Id, ObjectCreated Event);
