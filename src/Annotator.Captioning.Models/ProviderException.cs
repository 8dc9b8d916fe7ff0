namespace Annotator.Captioning.Models;

/// <summary>
/// One call to a model provider failed. <see cref="Transient"/> failures (429, 5xx, timeouts, unreadable
/// replies) are retried and count towards the circuit breaker; the others (a refused key, an invalid image,
/// a safety block) fail the caption at once. <see cref="RetryAfter"/> is the wait the provider asked for.
/// </summary>
public sealed class ProviderException(
    CaptionFailure kind, string reason, bool transient, TimeSpan? retryAfter = null, Exception? inner = null) : Exception(reason, inner)
{
    public CaptionFailure Kind { get; } = kind;

    public bool Transient { get; } = transient;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
