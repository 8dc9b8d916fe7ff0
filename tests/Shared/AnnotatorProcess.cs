using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Annotator.Testing;

/// <summary>
/// The real server as a child process (as `dotnet run` starts it) on a free loopback port, with a
/// throw-away data folder. Tests talk to it over HTTP, can kill it with SIGKILL and start it again
/// on the same data. <see cref="StopAsync"/> stops it gracefully (SIGTERM), as a service manager or a rolling restart
/// does; <see cref="StartAgainAsync"/> can bring it back on the same port (a load balancer's upstreams are fixed).
/// </summary>
public sealed partial class AnnotatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _ownsData;
    private readonly string[] _arguments;
    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <summary>The admin every test server has, unless its settings name another or none (<c>Annotator:Auth:AdminUser</c> = "").</summary>
    public const string AdminUser = "admin";
    public static readonly string AdminPassword = "test-" + Guid.NewGuid().ToString("N");

    public Uri BaseAddress { get; private set; } = null!;
    public string DataDirectory { get; }
    /// <summary>A client acting as the admin with an API token of every scope; signed out on a worker or a server without an admin.</summary>
    public HttpClient Client { get; private set; } = null!;
    /// <summary>The admin's API token that <see cref="Client"/> sends, or null.</summary>
    public string? Token { get; private set; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>True once the process has ended (killed, crashed, or stopped by a start-up error).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The server's process id: part of its work-lease owner (machine/pid/guid).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The exit code once the process has ended (137: SIGKILL, 134: abort, 139: segfault), else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    private AnnotatorProcess(string dataDirectory, bool ownsData, IReadOnlyDictionary<string, string> settings, string[] arguments, int port)
    {
        DataDirectory = dataDirectory;
        _ownsData = ownsData;
        _settings = settings;
        _arguments = arguments;
        _process = new Process { StartInfo = StartInfo(dataDirectory, settings, port) };
        foreach (var argument in arguments) _process.StartInfo.ArgumentList.Add(argument);
    }

    /// <summary>Starts a server; <paramref name="settings"/> are configuration keys like <c>Annotator:Uploads:MaxFileBytes</c>.</summary>
    public static async Task<AnnotatorProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null, string? dataDirectory = null, params string[] arguments)
    {
        var owns = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("annotator-test-").FullName;
        var server = new AnnotatorProcess(dataDirectory, owns, settings ?? new Dictionary<string, string>(), arguments, port: 0);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>
    /// A second server on the same data folder with the same settings and arguments (its role), after this one was
    /// killed or stopped; on the same port with <paramref name="samePort"/> (as a load balancer's upstream list
    /// expects), else on a free one. The new server takes over the data folder: disposing it removes the folder.
    /// </summary>
    public async Task<AnnotatorProcess> StartAgainAsync(bool samePort = false)
    {
        if (samePort && !_process.HasExited) throw new InvalidOperationException("still running: stop or kill it first");
        var again = new AnnotatorProcess(DataDirectory, _ownsData, _settings, _arguments, samePort ? BaseAddress.Port : 0);
        try { await again.StartProcessAsync(); }
        catch { again._ownsData = false; await again.DisposeAsync(); throw; }
        _ownsData = false;
        return again;
    }

    /// <summary>
    /// SIGTERM, then waits for the exit: the host's graceful shutdown (it stops listening, lets requests in flight
    /// finish within HostOptions.ShutdownTimeout, runs its shutdown code). Killed after <paramref name="timeout"/>
    /// (default 60 s), which throws. Returns the exit code (0 for a clean stop).
    /// </summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited && SendSignal(_process.Id, SIGTERM) != 0 && !_process.HasExited)
            throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try { await _process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException("The server did not stop after SIGTERM; killed:\n" + Output);
        }
        _process.WaitForExit(); // the output's last lines
        return _process.ExitCode;
    }

    private const int SIGTERM = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or an out-of-memory kill.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Runs the server to completion with these settings and returns its exit code and output (for start-up errors).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout, params string[] arguments)
    {
        var data = Directory.CreateTempSubdirectory("annotator-test-").FullName;
        using var process = new Process { StartInfo = StartInfo(data, settings, port: 0) };
        foreach (var argument in arguments) process.StartInfo.ArgumentList.Add(argument);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException) { process.Kill(true); throw new TimeoutException("The server did not exit: " + output); }
        Directory.Delete(data, recursive: true);
        lock (output) return (process.ExitCode, output.ToString());
    }

    private static ProcessStartInfo StartInfo(string dataDirectory, IReadOnlyDictionary<string, string> settings, int port)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            // Started from a folder of its own, not the project's: the server must find its appsettings.json anyway.
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ServerAssembly());
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}"); // 0: a free port, which the server reports
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Annotator__DataDirectory"] = dataDirectory;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        info.Environment["Annotator__Auth__AdminUser"] = AdminUser;
        info.Environment["Annotator__Auth__AdminPassword"] = AdminPassword;
        // Tests sign in far more often from one address than a person does; the limit's own test sets it low.
        info.Environment["Annotator__Auth__SignInsPerMinute"] = "10000";
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__")] = value;
        // No account, or the password from a file (Annotator:Auth:AdminPassword_FILE): the default password must not win.
        if (info.Environment["Annotator__Auth__AdminUser"] is "" || settings.ContainsKey("Annotator:Auth:AdminPassword_FILE"))
            info.Environment.Remove("Annotator__Auth__AdminPassword");
        return info;
    }

    private async Task StartProcessAsync()
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, listening);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, listening);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The server exited during start-up:\n" + Output));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var worker = _process.StartInfo.ArgumentList.SkipWhile(a => a != "--role").Skip(1).FirstOrDefault() == "worker"
            || _settings.GetValueOrDefault("Annotator:Role") == "worker";
        var adminUser = _settings.GetValueOrDefault("Annotator:Auth:AdminUser", AdminUser);
        var adminPassword = _settings.TryGetValue("Annotator:Auth:AdminPassword_FILE", out var passwordFile)
            ? File.ReadAllText(passwordFile).TrimEnd('\r', '\n')
            : _settings.GetValueOrDefault("Annotator:Auth:AdminPassword", AdminPassword);
        Token = worker || adminUser == "" ? null : await AccessApi.MakeTokenAsync(BaseAddress, adminUser, adminPassword, AccessApi.AllScopes);
        Client = NewClient(TimeSpan.FromSeconds(60));
    }

    /// <summary>A new client acting as <see cref="Client"/> does (with <see cref="Token"/>), e.g. with its own timeout for a live stream.</summary>
    public HttpClient NewClient(TimeSpan? timeout = null) => AccessApi.ClientWith(BaseAddress, Token, timeout);

    /// <summary>A client with no account at all.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    private void OnLine(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (ListeningLine().Match(line) is { Success: true } match) listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
    }

    private static string ServerAssembly()
    {
        // Same configuration as the tests themselves (Debug or Release), built by the project reference.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(TestData.RepositoryRoot, "src", "Annotator.Server", "bin", configuration, "net10.0", "Annotator.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the server first: " + path);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_ownsData)
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
