using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Annotator.Processing;

/// <summary>
/// Runs CPU-heavy work (decoding, resizing, encoding) on a few dedicated threads at a lower OS
/// priority (nice 10 on Linux). In one process the web tier and the functions share the cores:
/// this way a request is served first and images are processed with the time left over, instead of
/// uploads and page views slowing to the pace of the thumbnailer. libvips' own helper threads are
/// started from these threads and inherit their priority.
/// </summary>
/// <remarks>
/// Work is light or heavy (a very large image, which can take hundreds of megabytes to decode). Heavy work
/// runs on one thread only, one at a time, so memory is bounded by one huge image whatever the core count,
/// and with two threads or more ordinary photos always have a thread that no huge image can take.
/// </remarks>
public sealed partial class LowPriorityThreads : IDisposable
{
    private const int Nice = 10;
    private readonly BlockingCollection<Action> _light = new(), _heavy = new();
    private readonly Thread[] _threads;

    public LowPriorityThreads() : this(Environment.ProcessorCount) { }

    public LowPriorityThreads(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        // Thread 0 takes heavy work first (TakeFromAny prefers the earlier collection), so huge images are not
        // starved by a steady stream of photos; the others take only light work.
        BlockingCollection<Action>[] first = [_heavy, _light], others = [_light];
        _threads = [.. Enumerable.Range(0, count).Select(i =>
            new Thread(() => Run(i == 0 ? first : others)) { IsBackground = true, Name = $"annotator-cpu-{i}" })];
        foreach (var thread in _threads) thread.Start();
    }

    public Task<T> RunAsync<T>(Func<T> work, bool heavy, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        (heavy ? _heavy : _light).Add(() =>
        {
            if (cancellationToken.IsCancellationRequested) { done.TrySetCanceled(cancellationToken); return; }
            try { done.TrySetResult(work()); }
            catch (Exception e) { done.TrySetException(e); }
        }, cancellationToken);
        return done.Task;
    }

    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken) => RunAsync(work, heavy: false, cancellationToken);

    private static void Run(BlockingCollection<Action>[] queues)
    {
        if (OperatingSystem.IsLinux()) _ = SetPriority(0 /* PRIO_PROCESS: on Linux, one thread */, GetThreadId(), Nice);
        while (true)
        {
            try
            {
                BlockingCollection<Action>.TakeFromAny(queues, out var work);
                work!(); // TakeFromAny returns only with an item or throws
            }
            catch (ArgumentException) { return; } // every queue is complete: disposed
        }
    }

    public void Dispose()
    {
        _light.CompleteAdding();
        _heavy.CompleteAdding();
    }

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
