namespace Annotator.Events;

/// <summary>
/// Wakes outbox readers as soon as a transaction adds an entry, so work starts without waiting for
/// the next poll. Pulses coalesce: many writes while a reader is busy wake it once.
/// </summary>
public sealed class OutboxSignal
{
    private readonly List<SemaphoreSlim> _waiters = [];

    public SemaphoreSlim Subscribe()
    {
        var waiter = new SemaphoreSlim(0, 1);
        lock (_waiters) _waiters.Add(waiter);
        return waiter;
    }

    public void Pulse()
    {
        lock (_waiters)
            foreach (var waiter in _waiters)
                if (waiter.CurrentCount == 0)
                    try { waiter.Release(); } catch (SemaphoreFullException) { /* already signalled */ }
    }
}
