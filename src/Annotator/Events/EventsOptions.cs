using System.ComponentModel.DataAnnotations;

namespace Annotator.Events;

/// <summary><c>Annotator:Events</c>: the event bus, and how it retries a function that threw.</summary>
public sealed class EventsOptions
{
    public const string Section = "Annotator:Events";

    /// <summary>The transport: <c>inprocess</c> (the catalog's database is the queue), <c>rabbitmq</c>, or <c>sqs</c> (AWS: the functions on Lambda).</summary>
    public string Provider { get; set; } = "inprocess";

    /// <summary>Deliveries of one event to one function that may throw before it becomes a dead letter.</summary>
    [Range(1, 100, ErrorMessage = "Annotator:Events:MaxAttempts must be between 1 and 100.")]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// The waits before the second, third… attempt; the last repeats. A throw means the catalog or the storage was
    /// unreachable, which is usually brief: the first retry comes soon, later ones give an outage time to end.
    /// </summary>
    [MinLength(1, ErrorMessage = "Annotator:Events:RetryDelays needs at least one delay.")]
    public TimeSpan[] RetryDelays { get; set; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2)];

    /// <summary>The wait before attempt <paramref name="failedAttempts"/> + 1.</summary>
    public TimeSpan DelayAfter(int failedAttempts) => RetryDelays[Math.Clamp(failedAttempts - 1, 0, RetryDelays.Length - 1)];
}
