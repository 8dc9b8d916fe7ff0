using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace Annotator.Captioning.Models;

/// <summary>
/// One Polly pipeline per model provider, shared by all its models:
/// <list type="number">
/// <item>retry — transient failures (429, 5xx, timeouts, unreadable replies) with exponential backoff and jitter,
/// or exactly the wait the provider asked for (Retry-After, Gemini's retryDelay), until
/// <see cref="ModelProviderOptions.MaxAttempts"/> calls were made for the caption;</item>
/// <item>circuit breaker — when most recent calls failed, calls stop for
/// <see cref="ModelProviderOptions.BreakDuration"/>: captioning pauses (or falls back) instead of burning
/// every image's retries on an outage;</item>
/// <item>concurrency limiter — at most <see cref="ModelProviderOptions.Concurrency"/> calls in flight;</item>
/// <item>timeout — each call gets <see cref="ModelProviderOptions.Timeout"/>.</item>
/// </list>
/// Permanent failures (a refused key, an invalid image, a safety block) pass through at once.
/// </summary>
public sealed class CaptionResilience(TimeProvider time, ILoggerFactory loggers)
{
    private static readonly ResiliencePropertyKey<AttemptLog> Attempts = new("annotator.caption.attempts");
    private static readonly ResiliencePropertyKey<string> ModelKey = new("annotator.caption.model");
    private readonly ConcurrentDictionary<string, ProviderPipeline> _pipelines = new();
    private readonly ILogger _logger = loggers.CreateLogger<CaptionResilience>();

    /// <summary>The provider's circuit: Closed (captioning), Open (paused), HalfOpen (one probe in flight).</summary>
    public CircuitState State(string provider) =>
        _pipelines.TryGetValue(provider, out var pipeline) ? pipeline.Circuit.CircuitState : CircuitState.Closed;

    /// <summary>
    /// Runs <paramref name="attempt"/> through the pipeline of <paramref name="section"/>'s provider (built from the
    /// section on its first call) and returns its caption with the attempts and the successful call's latency.
    /// Throws <see cref="CaptionFailedException"/> with the reason.
    /// While the circuit is open the call waits for it (<paramref name="pauseWhileOpen"/>), or fails at once so a
    /// fallback can answer instead.
    /// </summary>
    public async Task<Caption> ExecuteAsync(
        ModelProviderOptions section, string model, string display, bool pauseWhileOpen, Func<CancellationToken, Task<Caption>> attempt, CancellationToken cancellationToken)
    {
        var pipeline = _pipelines.GetOrAdd(section.Name, _ => Build(section));
        var log = new AttemptLog();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Attempts, log);
        context.Properties.Set(ModelKey, model);
        try
        {
            while (true)
            {
                try
                {
                    return await pipeline.Pipeline.ExecuteAsync(static async (ctx, state) =>
                    {
                        var log = ctx.Properties.GetValue(Attempts, null!);
                        Interlocked.Increment(ref log.Count);
                        var started = Stopwatch.GetTimestamp();
                        try
                        {
                            var caption = await state.attempt(ctx.CancellationToken);
                            return caption with
                            {
                                Attempts = log.Count,
                                LatencyMs = caption.LatencyMs ?? (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                            };
                        }
                        catch (ProviderException e)
                        {
                            log.Last = e;
                            throw;
                        }
                        catch (OperationCanceledException) when (ctx.CancellationToken.IsCancellationRequested && !state.cancellationToken.IsCancellationRequested)
                        {
                            log.Last = null;
                            log.TimedOut = true;
                            throw;
                        }
                    }, context, (attempt, pipeline, cancellationToken));
                }
                catch (BrokenCircuitException open) when (!cancellationToken.IsCancellationRequested)
                {
                    var last = pipeline.OpenedBy ?? log.Last?.Message ?? "repeated failures";
                    var wait = open.RetryAfter ?? pipeline.Options.BreakDuration;
                    if (!pauseWhileOpen)
                        throw new CaptionFailedException(CaptionFailure.Paused,
                            $"captioning with {display} is paused for {ProviderErrors.Seconds(wait)} after repeated failures (last: {last})", open);
                    if (log.Count >= pipeline.Options.MaxAttempts)
                        throw log.Last is null && log.TimedOut ? TimedOut(pipeline, display, log, open) : Final(pipeline, display, log, log.Last);
                    // Paused: wait for the circuit to let a probe through, without spending this image's attempts.
                    await Task.Delay(Clamp(wait, TimeSpan.FromMilliseconds(50), pipeline.Options.BreakDuration), time, cancellationToken);
                }
            }
        }
        catch (ProviderException e)
        {
            throw Final(pipeline, display, log, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw TimedOut(pipeline, display, log, e);
        }
        catch (RateLimiterRejectedException e)
        {
            throw new CaptionFailedException(CaptionFailure.Unavailable, $"too many captions queued for {display}", e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static CaptionFailedException TimedOut(ProviderPipeline pipeline, string display, AttemptLog log, Exception e) => new(
        CaptionFailure.Timeout,
        $"{display} did not answer within {ProviderErrors.Seconds(pipeline.Options.Timeout)} ({Plural(log.Count, "attempt")}); "
        + $"raise {pipeline.Options.Path("Timeout")} if the model is slow", e);

    private static CaptionFailedException Final(ProviderPipeline pipeline, string display, AttemptLog log, ProviderException? e)
    {
        if (e is null) return new CaptionFailedException(CaptionFailure.Paused, $"{display} kept failing ({Plural(log.Count, "attempt")})");
        var o = pipeline.Options;
        if (!e.Transient) return new CaptionFailedException(e.Kind, e.Message, e);
        if (e.RetryAfter is { } after && after > o.MaxRetryDelay)
            return new CaptionFailedException(e.Kind,
                $"{e.Message}; it asks to wait {ProviderErrors.Seconds(after)}, longer than {o.Path("MaxRetryDelay")} "
                + $"({ProviderErrors.Seconds(o.MaxRetryDelay)}): retry later", e);
        return new CaptionFailedException(e.Kind, $"{e.Message}; gave up after {Plural(log.Count, "attempt")}, retry later", e);
    }

    private ProviderPipeline Build(ModelProviderOptions o)
    {
        var provider = o.Name;
        var circuit = new CircuitBreakerStateProvider();
        var holder = new ProviderPipeline(o, circuit);
        holder.Pipeline = new ResiliencePipelineBuilder { Name = $"captions-{provider}", TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.Context, o)),
                MaxRetryAttempts = Math.Max(1, o.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryDelay,
                MaxDelay = o.MaxRetryDelay,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is ProviderException { RetryAfter: { } after } ? after : (TimeSpan?)null),
                OnRetry = args =>
                {
                    var kind = args.Outcome.Exception is ProviderException p ? p.Kind : CaptionFailure.Timeout;
                    CaptionMetrics.Retry(provider, args.Context.Properties.GetValue(ModelKey, ""), kind, args.RetryDelay);
                    _logger.LogInformation("Caption call to {Provider} failed ({Reason}); retrying in {Delay}",
                        provider, args.Outcome.Exception?.Message, ProviderErrors.Seconds(args.RetryDelay));
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception)),
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = o.BreakerSamplingDuration,
                BreakDuration = o.BreakDuration,
                StateProvider = circuit,
                OnOpened = args =>
                {
                    holder.OpenedBy = args.Outcome.Exception switch
                    {
                        TimeoutRejectedException => $"no answer within {ProviderErrors.Seconds(o.Timeout)}",
                        { } e => e.Message,
                        null => "repeated failures",
                    };
                    _logger.LogWarning("Captioning with {Provider} paused for {Break} after repeated failures; last: {Reason}",
                        provider, ProviderErrors.Seconds(args.BreakDuration), holder.OpenedBy);
                    return default;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("Captioning with {Provider} resumed", provider);
                    return default;
                },
            })
            .AddConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = o.Concurrency,
                QueueLimit = 1_000_000,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            })
            .AddTimeout(o.Timeout)
            .ConfigureTelemetry(loggers)
            .Build();
        CaptionMetrics.ObserveCircuit(provider, () => circuit.CircuitState switch
        {
            CircuitState.Closed => 0,
            CircuitState.Open => 1,
            CircuitState.HalfOpen => 2,
            _ => 3,
        });
        return holder;
    }

    private static bool ShouldRetry(Exception? exception, ResilienceContext context, ModelProviderOptions o)
    {
        if (context.Properties.GetValue(Attempts, null!).Count >= o.MaxAttempts) return false;
        return exception switch
        {
            ProviderException { Transient: true, RetryAfter: var after } => after is null || after <= o.MaxRetryDelay,
            TimeoutRejectedException => true,
            _ => false,
        };
    }

    private static bool IsTransient(Exception? exception) => exception is ProviderException { Transient: true } or TimeoutRejectedException;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private sealed class AttemptLog
    {
        public int Count;
        /// <summary>The last call's failure when the provider answered; null after a timeout.</summary>
        public ProviderException? Last;
        public bool TimedOut;
    }

    private sealed class ProviderPipeline(ModelProviderOptions options, CircuitBreakerStateProvider circuit)
    {
        public ModelProviderOptions Options { get; } = options;
        public CircuitBreakerStateProvider Circuit { get; } = circuit;
        public ResiliencePipeline Pipeline { get; set; } = ResiliencePipeline.Empty;
        public string? OpenedBy { get; set; }
    }
}
