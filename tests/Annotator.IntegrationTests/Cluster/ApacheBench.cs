using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Annotator.IntegrationTests.Cluster;

/// <summary>ab (apache2-utils) as a child process, and the figures of its report.</summary>
public sealed partial record ApacheBench(int ExitCode, string Report, int Complete, int Failed, int NonSuccess, int DocumentLength, double RequestsPerSecond)
{
    /// <summary>The ab to run: <c>ANNOTATOR_TEST_AB</c> (scripts/test sets it), else Debian's.</summary>
    public static string? Executable =>
        Environment.GetEnvironmentVariable("ANNOTATOR_TEST_AB") is { Length: > 0 } path ? path
        : File.Exists("/usr/bin/ab") ? "/usr/bin/ab" : null;

    /// <summary>
    /// <c>ab -n requests -c concurrency -H "Authorization: Bearer token" url</c>; <paramref name="progress"/> gets the
    /// count of each "Completed N requests" line ab prints (every tenth of the run).
    /// </summary>
    public static async Task<ApacheBench> RunAsync(Uri url, string token, int requests, int concurrency, Action<int> progress)
    {
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("ab is not installed: scripts/test installs it (apt-get install apache2-utils)"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                ArgumentList = { "-n", requests.ToString(), "-c", concurrency.ToString(), "-H", $"Authorization: Bearer {token}", url.ToString() },
            },
        };
        var report = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (report) report.AppendLine(e.Data);
            if (Completed().Match(e.Data) is { Success: true } match) progress(int.Parse(match.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (report) report.AppendLine(e.Data);
            if (Completed().Match(e.Data) is { Success: true } match) progress(int.Parse(match.Groups[1].Value));
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync();
        process.WaitForExit(); // the output's last lines
        string text; lock (report) text = report.ToString();
        // "Non-2xx responses:" appears only when there were some.
        return new ApacheBench(process.ExitCode, text, Figure(text, "Complete requests"), Figure(text, "Failed requests"),
            Figure(text, "Non-2xx responses") is var n and >= 0 ? n : 0,
            Regex.Match(text, @"^Document Length:\s+(\d+) bytes", RegexOptions.Multiline) is { Success: true } length ? int.Parse(length.Groups[1].Value) : -1,
            Regex.Match(text, @"Requests per second:\s+([\d.]+)") is { Success: true } rps ? double.Parse(rps.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
    }

    private static int Figure(string report, string name) =>
        Regex.Match(report, $@"^{Regex.Escape(name)}:\s+(\d+)", RegexOptions.Multiline) is { Success: true } match ? int.Parse(match.Groups[1].Value) : -1;

    [GeneratedRegex(@"^Completed (\d+) requests")]
    private static partial Regex Completed();
}
