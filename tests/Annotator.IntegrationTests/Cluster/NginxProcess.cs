using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Cluster;

/// <summary>
/// An nginx master process of its own (not the system's service) with the repository's configuration,
/// <c>deploy/nginx/annotator.conf</c> inside <c>deploy/nginx/standalone.conf</c>, rendered into a temp folder as
/// <c>scripts/cluster</c> renders it, balancing the given web nodes. Killed with its workers when disposed.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public Uri BaseAddress { get; }
    public string Directory { get; }

    /// <summary>nginx's own error log: every upstream failure and retry is a line there.</summary>
    public string ErrorLog => File.Exists(Path.Combine(Directory, "error.log")) ? File.ReadAllText(Path.Combine(Directory, "error.log")) : "";

    /// <summary>The nginx to run: <c>ANNOTATOR_TEST_NGINX</c> (scripts/test sets it), else Debian's.</summary>
    public static string? Executable =>
        Environment.GetEnvironmentVariable("ANNOTATOR_TEST_NGINX") is { Length: > 0 } path ? path
        : File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null;

    private NginxProcess(string directory, int port)
    {
        Directory = directory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _process = new Process
        {
            StartInfo = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("nginx is not installed: scripts/test installs it (apt-get install nginx)"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                // -e: nginx opens its error log before it reads the configuration; not /var/log/nginx's.
                ArgumentList = { "-p", directory, "-c", Path.Combine(directory, "nginx.conf"), "-e", Path.Combine(directory, "error.log"), "-g", "daemon off;" },
            },
        };
    }

    /// <summary>
    /// Renders and starts nginx for <paramref name="webNodes"/>. <paramref name="upstreamHeader"/>: every response
    /// also names the node that answered it, <c>X-Upstream: 127.0.0.1:PORT</c> (<c>$upstream_addr</c>; a list when
    /// nginx tried more than one) — only in this test rendering, not in deploy/nginx: it would tell clients the
    /// cluster's inner addresses.
    /// </summary>
    public static async Task<NginxProcess> StartAsync(IEnumerable<Uri> webNodes, bool upstreamHeader = false)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("annotator-nginx-").FullName;
        var port = FreePort();
        var templates = Path.Combine(TestData.RepositoryRoot, "deploy", "nginx");
        var servers = string.Join('\n', webNodes.Select(node => $"    server {node.Host}:{node.Port} max_fails=1 fail_timeout=10s;"));
        await File.WriteAllTextAsync(Path.Combine(directory, "annotator.conf"), (await File.ReadAllTextAsync(Path.Combine(templates, "annotator.conf")))
            .Replace("@UPSTREAM_SERVERS@", servers)
            .Replace("listen @LISTEN@;", upstreamHeader ? $"listen 127.0.0.1:{port};\n    add_header X-Upstream $upstream_addr always;" : $"listen 127.0.0.1:{port};"));
        await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), (await File.ReadAllTextAsync(Path.Combine(templates, "standalone.conf")))
            .Replace("@DIR@", directory).Replace("@USER@", Environment.UserName));

        var nginx = new NginxProcess(directory, port);
        nginx._process.OutputDataReceived += (_, e) => nginx.Append(e.Data);
        nginx._process.ErrorDataReceived += (_, e) => nginx.Append(e.Data);
        nginx._process.Start();
        nginx._process.BeginOutputReadLine();
        nginx._process.BeginErrorReadLine();

        try
        {
            await nginx.WaitUntilUpAsync();
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync(); // its folder too
            throw;
        }
    }

    /// <summary>Up once it answers a node's /healthz through the upstream.</summary>
    private async Task WaitUntilUpAsync()
    {
        var nginx = this;
        using var client = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (nginx._process.HasExited) throw new InvalidOperationException($"nginx exited ({nginx._process.ExitCode}): {nginx.Output}\n{nginx.ErrorLog}");
            try
            {
                using var response = await client.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { /* not listening yet */ }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"nginx did not answer in 30 s: {nginx.Output}\n{nginx.ErrorLog}");
            await Task.Delay(100);
        }
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    private void Append(string? line) { if (line is not null) lock (_output) _output.AppendLine(line); }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        // The master and its workers (its children).
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
