namespace Annotator.Bench.Hostile;

/// <summary>
/// Keeps one server running across the cases and starts a new one only after a case has ended it (a crash,
/// or the bench's time or memory limit), so the figures of one process are those of the whole corpus and a
/// crash costs the cases after it nothing. Remembers every process's VmHWM.
/// </summary>
public sealed class Supervisor(string dll, long memoryCap) : IAsyncDisposable
{
    private readonly List<(int Pid, long Peak)> _ended = [];

    public ServerProcess? Server { get; private set; }
    public Meter? Meter { get; private set; }
    public AnnotatorApi? Api { get; private set; }

    /// <summary>Processes started so far.</summary>
    public int Starts { get; private set; }

    /// <summary>The running server, started if there is none.</summary>
    public async Task<ServerProcess> EnsureAsync()
    {
        if (Server is { HasExited: false }) return Server;
        await StopAsync();
        Server = await ServerProcess.StartAsync(dll);
        Meter = new Meter(Server, memoryCap);
        Api = new AnnotatorApi(Server.BaseAddress);
        Starts++;
        return Server;
    }

    /// <summary>
    /// The process's peak resident memory: its VmHWM, or the highest sample if that is higher (the kernel
    /// brings VmHWM up to date lazily, so it can trail a fresh peak of VmRSS), and for an ended process the highest sample.
    /// </summary>
    public long HighWaterMark() =>
        Math.Max(Server is { } server && ProcFs.StatusBytes(server.Pid, "VmHWM") is { } hwm ? hwm : 0, Meter?.HighestRss ?? 0);

    /// <summary>VmHWM of every process this supervisor ran (pid, bytes), the running one included.</summary>
    public IReadOnlyList<(int Pid, long Peak)> HighWaterMarks() =>
        Server is { } server ? [.. _ended, (server.Pid, HighWaterMark())] : _ended;

    public async Task StopAsync()
    {
        if (Server is null) return;
        // An ended process has no VmHWM to read: its figure is the highest sample the meter saw before it ended.
        _ended.Add((Server.Pid, HighWaterMark()));
        Meter!.Dispose();
        Api!.Dispose();
        await Server.DisposeAsync();
        Server = null;
        Meter = null;
        Api = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
