using System.Diagnostics;
using System.Globalization;

namespace Annotator.Bench.Hostile;

/// <summary>
/// Part 3, live-update amplification: 20 real photos uploaded at once, timed until all 20 are done, with no
/// live stream open and with many (2,000) open. If every change is read from the catalog once per listener,
/// the second run costs the server far more CPU than the first; if once per change, about the same.
/// Each run has a fresh server, warmed by one photo, and the listeners are all open before the first upload.
/// </summary>
/// <remarks>
/// The processing threads run at nice 10, so on a shared machine the wall time follows whatever else runs
/// (the same run took 2.2 s and 8.8 s minutes apart): the counts alternate for several rounds and the
/// medians are compared. The server's CPU seconds move far less.
/// </remarks>
public static class ListenersPart
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private sealed record Run(int Listeners, TimeSpan? Wall, TimeSpan Cpu);

    public static async Task RunAsync(IReadOnlyList<Case> photos, Case warmUp, string dll, long memoryCap, IReadOnlyList<int> listenerCounts, int rounds)
    {
        Console.WriteLine($"| round | listeners | streams open (refused) | all {photos.Count} done after | server CPU | bench CPU (listeners, uploads) | sent to listeners | server RSS at start → peak | not done |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var runs = new List<Run>();
        for (var round = 1; round <= rounds; round++)
            foreach (var count in listenerCounts)
                runs.Add(await RunOnceAsync(round, photos, warmUp, dll, memoryCap, count));
        Console.WriteLine();
        foreach (var group in runs.GroupBy(r => r.Listeners))
        {
            var walls = group.Where(r => r.Wall is not null).Select(r => r.Wall!.Value).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key:N0} listeners, median of {group.Count()}: all done after **{(walls.Count > 0 ? Format.Seconds(Median(walls)) : "—")}**, server CPU **{Format.Seconds(Median([.. group.Select(r => r.Cpu)]))}**"));
        }
    }

    private static async Task<Run> RunOnceAsync(int round, IReadOnlyList<Case> photos, Case warmUp, string dll, long memoryCap, int count)
    {
        await using var servers = new Supervisor(dll, memoryCap);
        var server = await servers.EnsureAsync();
        var api = servers.Api!;
        using var limit = new CancellationTokenSource(Limit);
        await api.WaitFinalAsync((await api.UploadAsync(warmUp.FileName, warmUp.Bytes, limit.Token)).Id!, limit.Token);

        await using var listeners = await LiveListeners.OpenAsync(server.EndPoint, count, limit.Token);
        var meter = servers.Meter!;
        var start = meter.Reset();
        var cpu = meter.Cpu;
        var own = Process.GetCurrentProcess().TotalProcessorTime;
        var sent = listeners.BytesReceived;
        var clock = Stopwatch.StartNew();
        TimeSpan? wall = null;
        string outcome, notDone = "—";
        try
        {
            var images = await Task.WhenAll(photos.Select(async photo =>
            {
                var upload = await api.UploadAsync(photo.FileName, photo.Bytes, limit.Token);
                return await api.WaitFinalAsync(upload.Id ?? throw new InvalidOperationException($"{photo.Name}: {upload.Status} {upload.Detail}"), limit.Token);
            }));
            wall = clock.Elapsed;
            outcome = $"**{Format.Seconds(clock.Elapsed)}**";
            notDone = images.Count(i => (string?)i["state"] != "done").ToString(CultureInfo.InvariantCulture);
            if (Environment.GetEnvironmentVariable("BENCH_DETAIL") is not null) Timeline.Print(images);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            outcome = server.HasExited ? $"**crashed** (exit code {server.ExitCode}) after {Format.Seconds(clock.Elapsed)}" : $"**timed out** after {Limit.TotalSeconds:0} s";
        }
        var used = meter.Cpu - cpu;
        var ownUsed = Process.GetCurrentProcess().TotalProcessorTime - own;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {round} | {count:N0} | {listeners.Open:N0} ({listeners.Refused:N0}) | {outcome} | **{Format.Seconds(used)}** | {Format.Seconds(ownUsed)} " +
            $"| {Format.Mb(listeners.BytesReceived - sent)} | {Format.Mb(start)} → {Format.Mb(meter.PeakRss)} | {notDone} |"));
        return new Run(count, wall, used);
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }
}
