namespace Annotator.Bench.Hostile;

/// <summary>
/// Samples a server's resident memory every 25 ms on a thread of its own, so a peak that lasts a moment (a
/// bomb inflated and dropped) is still seen, and keeps the latest CPU reading, which is what is left to
/// read once a process has crashed. Past <paramref name="memoryCap"/> it kills the process: an old build
/// that balloons must not take the shared machine's memory with it.
/// </summary>
public sealed class Meter : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);
    private readonly ServerProcess _server;
    private readonly long _memoryCap;
    private readonly Thread _thread;
    private volatile bool _stopped;
    private long _peak, _highest;
    private long _lastCpuTicks;

    public Meter(ServerProcess server, long memoryCap)
    {
        _server = server;
        _memoryCap = memoryCap;
        _lastCpuTicks = (ProcFs.CpuTime(server.Pid) ?? TimeSpan.Zero).Ticks;
        _thread = new Thread(Run) { IsBackground = true, Name = "rss-sampler" };
        _thread.Start();
    }

    /// <summary>The highest VmRSS seen since the last <see cref="Reset"/>.</summary>
    public long PeakRss => Interlocked.Read(ref _peak);

    /// <summary>The highest VmRSS seen over the process's life: what stands for VmHWM once it has ended.</summary>
    public long HighestRss => Interlocked.Read(ref _highest);

    /// <summary>The server's CPU time now, or at the last reading before it ended.</summary>
    public TimeSpan Cpu => ProcFs.CpuTime(_server.Pid) is { } now ? now : TimeSpan.FromTicks(Interlocked.Read(ref _lastCpuTicks));

    /// <summary>True once the meter has killed the server for passing the memory cap.</summary>
    public bool KilledForMemory { get; private set; }

    /// <summary>Starts a new peak from the memory in use now; returns that.</summary>
    public long Reset()
    {
        var now = ProcFs.StatusBytes(_server.Pid, "VmRSS") ?? 0;
        Interlocked.Exchange(ref _peak, now);
        return now;
    }

    private void Run()
    {
        while (!_stopped)
        {
            if (ProcFs.StatusBytes(_server.Pid, "VmRSS") is not { } rss) return; // the process has ended
            if (rss > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, rss);
            if (rss > _highest) Interlocked.Exchange(ref _highest, rss);
            if (ProcFs.CpuTime(_server.Pid) is { } cpu) Interlocked.Exchange(ref _lastCpuTicks, cpu.Ticks);
            if (rss > _memoryCap && !KilledForMemory)
            {
                KilledForMemory = true;
                _server.Kill();
                return;
            }
            Thread.Sleep(Interval);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }
}
