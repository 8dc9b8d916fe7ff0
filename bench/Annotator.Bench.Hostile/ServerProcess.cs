using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Annotator.Bench.Hostile;

/// <summary>
/// One server process as bench/load.sh starts it: <c>dotnet Annotator.Server.dll --urls http://127.0.0.1:PORT</c>
/// from its project folder, a throw-away data folder, warnings only. Any build can be given (an older
/// commit's too), so nothing here depends on the server's code, only on its command line and /readyz.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int LogLines = 40;
    private static readonly string[] FatalWords = ["Stack overflow", "OutOfMemory", "Unhandled exception", "Fatal error", "Segmentation fault"];
    private readonly Process _process;
    private readonly Queue<string> _log = new();
    private readonly string _data;
    private string? _fatal;

    /// <summary>The process id, also after it has ended.</summary>
    public int Pid { get; private set; }
    public Uri BaseAddress { get; }
    public IPEndPoint EndPoint { get; }
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has ended (134: abort, e.g. a stack overflow; 137: SIGKILL), else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines the server wrote.</summary>
    public string LogTail { get { lock (_log) return string.Join('\n', _log); } }

    /// <summary>
    /// The first line that says why a process died (a stack overflow is followed by thousands of frames,
    /// so it is caught as it passes, not searched for in the tail), else the last line written.
    /// </summary>
    public string LastWords { get { lock (_log) return _fatal ?? _log.LastOrDefault() ?? ""; } }

    private ServerProcess(string dll, string data, int port)
    {
        _data = data;
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ProjectFolder(dll),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        info.Environment["Annotator__DataDirectory"] = data;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
    }

    public static async Task<ServerProcess> StartAsync(string dll)
    {
        var server = new ServerProcess(dll, Directory.CreateTempSubdirectory("annotator-hostile-").FullName, FreePort());
        server._process.Start();
        server.Pid = server._process.Id;
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(200))
        {
            if (server.HasExited) break;
            try
            {
                if ((await http.GetAsync("readyz")).IsSuccessStatusCode) return server;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { /* not listening yet */ }
        }
        await server.DisposeAsync();
        throw new InvalidOperationException($"The server did not become ready:\n{server.LogTail}");
    }

    /// <summary>SIGKILL, for a server that ran past the bench's time or memory limit.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the process to end on its own (a failed request may be its last).</summary>
    public async Task<bool> ExitsWithinAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException) { /* still running */ }
        return _process.HasExited;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Enqueue(line);
            if (_fatal is null && FatalWords.Any(w => line.Contains(w, StringComparison.OrdinalIgnoreCase))) _fatal = line.Trim();
            if (_log.Count > LogLines) _log.Dequeue();
        }
    }

    // load.sh runs the server from src/Annotator.Server; the dll sits three folders below it (bin/Release/net10.0).
    private static string ProjectFolder(string dll)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(dll))!;
        var project = Path.GetFullPath(Path.Combine(folder, "..", "..", ".."));
        return File.Exists(Path.Combine(project, "Annotator.Server.csproj")) ? project : folder;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* best effort: a temp folder */ }
    }
}
