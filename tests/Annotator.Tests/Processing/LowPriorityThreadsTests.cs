using Annotator.Processing;

namespace Annotator.Tests.Processing;

public sealed class LowPriorityThreadsTests
{
    [Fact]
    public async Task Huge_images_are_decoded_one_at_a_time_and_never_hold_up_ordinary_photos()
    {
        using var threads = new LowPriorityThreads(3);
        using var release = new ManualResetEventSlim();
        var heavyStarted = 0;
        var firstStarted = new TaskCompletionSource();
        int Heavy()
        {
            Interlocked.Increment(ref heavyStarted);
            firstStarted.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(30));
            return 0;
        }

        var first = threads.RunAsync(Heavy, heavy: true, CancellationToken.None);
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var heavy = new[] { first, threads.RunAsync(Heavy, heavy: true, CancellationToken.None) };
        var light = await threads.RunAsync(() => "done", heavy: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("done", light);
        Assert.Equal(1, Volatile.Read(ref heavyStarted)); // the second huge image waits for the first, though a thread is idle
        release.Set();
        await Task.WhenAll(heavy).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, heavyStarted);
    }

    [Fact]
    public async Task One_thread_does_all_the_work()
    {
        using var threads = new LowPriorityThreads(1);

        Assert.Equal(1, await threads.RunAsync(() => 1, heavy: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, await threads.RunAsync(() => 2, heavy: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
