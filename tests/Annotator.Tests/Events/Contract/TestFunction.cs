using System.Collections.Concurrent;
using System.Diagnostics;
using Annotator.Events;
using Annotator.Processing;

namespace Annotator.Tests.Events.Contract;

/// <summary>A function under test: records every call, then does what the test says with it (by default, succeeds).</summary>
public sealed class TestFunction(string name, int concurrency = 2, Func<TestFunction.Call, CancellationToken, Task<HandlerResult>>? behaviour = null)
    : IObjectCreatedHandler
{
    public sealed record Call(string Key, int Number, long Timestamp);

    private int _calls;

    public ConcurrentQueue<Call> Calls { get; } = new();

    public string Name => name;

    public int Concurrency => concurrency;

    public IEnumerable<string> Keys => Calls.Select(c => c.Key);

    public async Task<HandlerResult> HandleAsync(ObjectCreated created, CancellationToken cancellationToken)
    {
        var call = new Call(created.Key, Interlocked.Increment(ref _calls), Stopwatch.GetTimestamp());
        Calls.Enqueue(call);
        return behaviour is null ? HandlerResult.Done : await behaviour(call, cancellationToken);
    }

    /// <summary>The time between two calls.</summary>
    public static TimeSpan Between(Call first, Call second) => Stopwatch.GetElapsedTime(first.Timestamp, second.Timestamp);
}
