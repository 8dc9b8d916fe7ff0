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
public sealed partial class LowPriorityThreads : IDisposable
{
    private const int Nice = 10;
    private readonly BlockingCollection<Action> _queue = new();
    private readonly Thread[] _threads;

    public LowPriorityThreads() : this(Environment.ProcessorCount) { }

    public LowPriorityThreads(int count)
    {
        _threads = [.. Enumerable.Range(0, count).Select(i => new Thread(Run) { IsBackground = true, Name = $"annotator-cpu-{i}" })];
        foreach (var thread in _threads) thread.Start();
    }

    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            if (cancellationToken.IsCancellationRequested) { done.TrySetCanceled(cancellationToken); return; }
            try { done.TrySetResult(work()); }
            catch (Exception e) { done.TrySetException(e); }
        }, cancellationToken);
        return done.Task;
    }

    private void Run()
    {
        if (OperatingSystem.IsLinux()) _ = SetPriority(0 /* PRIO_PROCESS: on Linux, one thread */, GetThreadId(), Nice);
        foreach (var work in _queue.GetConsumingEnumerable()) work();
    }

    public void Dispose() => _queue.CompleteAdding();

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
