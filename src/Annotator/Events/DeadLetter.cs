namespace Annotator.Events;

/// <summary>An event one function failed to handle on every attempt: kept, shown, and replayable.</summary>
public sealed record DeadLetter(long Id, string Subscriber, ObjectCreated Event, int Attempts, string Reason, DateTimeOffset At);
