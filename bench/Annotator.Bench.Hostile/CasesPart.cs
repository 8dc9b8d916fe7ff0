using System.Diagnostics;

namespace Annotator.Bench.Hostile;

/// <summary>
/// Part 1: every case of the corpus, one at a time, on one server process: the upload's status and time to
/// answer, then (if it was accepted) the time until the image is done or failed, the server's CPU seconds
/// and its peak resident memory during the case. A case that crashes the server, or runs past the time or
/// memory limit, is reported so and the next case gets a new process.
/// </summary>
public static class CasesPart
{
    public static async Task RunAsync(IReadOnlyList<Case> cases, Supervisor servers, TimeSpan timeout)
    {
        Console.WriteLine("| case | bytes | status | answer | processing | server CPU | RSS at start → peak | outcome |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var c in cases)
        {
            var server = await servers.EnsureAsync();
            var meter = servers.Meter!;
            var api = servers.Api!;
            var start = meter.Reset();
            var cpu = meter.Cpu;
            using var limit = new CancellationTokenSource(timeout);
            string status = "—", answer = "—", processing = "—", outcome;
            var clock = Stopwatch.StartNew();
            try
            {
                var upload = await api.UploadAsync(c.FileName, c.Bytes, limit.Token);
                status = upload.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                answer = Format.Ms(upload.Answer);
                if (upload.Id is { } id)
                {
                    var image = await api.WaitFinalAsync(id, limit.Token);
                    processing = Format.Seconds(clock.Elapsed - upload.Answer);
                    outcome = Format.Outcome(image);
                }
                else outcome = "refused: " + Format.Short(upload.Detail);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                outcome = await WhyEndedAsync(server, meter, limit.IsCancellationRequested, timeout, e);
                if (processing == "—" && status != "—") processing = $"> {Format.Seconds(clock.Elapsed)}";
            }
            // Read after the case: for a process that has ended, the meter's last sample.
            var used = meter.Cpu - cpu;
            Console.WriteLine($"| {c.Name} | {Format.Bytes(c.Bytes.Length)} | {status} | {answer} | {processing} | {Format.Seconds(used)} " +
                $"| {Format.Mb(start)} → **{Format.Mb(meter.PeakRss)}** | {outcome} |");
            if (server.HasExited) await servers.StopAsync();
        }
        var marks = servers.HighWaterMarks();
        Console.WriteLine();
        Console.WriteLine(marks.Count == 1
            ? $"server peak RSS over the whole corpus (VmHWM): **{Format.Mb(marks[0].Peak)}**, one process"
            : $"server peak RSS (VmHWM) of each of the {marks.Count} processes the corpus took: {string.Join(", ", marks.Select(m => Format.Mb(m.Peak)))}");
    }

    /// <summary>Why a case ended without an answer: the server crashed, the bench killed it, or time ran out (then it is killed too).</summary>
    private static async Task<string> WhyEndedAsync(ServerProcess server, Meter meter, bool timedOut, TimeSpan timeout, Exception e)
    {
        // A request that failed because the process died returns a moment before the process is reaped.
        if (!timedOut && await server.ExitsWithinAsync(TimeSpan.FromSeconds(5)))
        {
            if (meter.KilledForMemory) return $"killed by the bench past its memory cap ({Format.Mb(meter.PeakRss)})";
            var last = server.LastWords;
            return $"**crashed** (exit code {server.ExitCode}){(last.Length > 0 ? ": " + Format.Short(last) : "")}";
        }
        if (timedOut)
        {
            server.Kill();
            return $"**timed out** after {timeout.TotalSeconds:0} s (server killed, restarted for the next case)";
        }
        return "error: " + Format.Short(e.Message);
    }
}
