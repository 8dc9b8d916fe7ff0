using System.Diagnostics;
using System.Globalization;

namespace Annotator.Bench.Hostile;

/// <summary>
/// Part 2: does an ordinary photo wait for the worst image the server accepts? The time from an ordinary
/// photo's upload until it is done, on an idle server, and uploaded right after a costly accepted image has
/// started processing: the worst accepted JPEG (100 MP, 100 progressive scans), which the scheduler knows
/// is heavy from its pixels, and the 100,000-page TIFF, which is 8×8 pixels and so counts as light work.
/// A fresh server, warmed by one photo first, so neither figure carries start-up costs.
/// </summary>
public static class NormalPhotoPart
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public static async Task RunAsync(Case photo, IReadOnlyList<Case> costly, string dll, long memoryCap, int rounds)
    {
        await using var servers = new Supervisor(dll, memoryCap);
        await servers.EnsureAsync();
        var api = servers.Api!;
        using var limit = new CancellationTokenSource(Limit);
        await TimeToDoneAsync(api, photo, limit.Token); // warm-up

        var idle = new List<TimeSpan>();
        for (var i = 0; i < rounds; i++) idle.Add(await TimeToDoneAsync(api, photo, limit.Token));

        Console.WriteLine("| beside | round | normal photo idle: upload → done | normal photo beside it: upload → done | it still processing then? | it: upload → done (outcome) |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|");
        foreach (var bomb in costly)
            for (var i = 0; i < rounds; i++)
                await RoundAsync(api, photo, bomb, i + 1, idle[i], limit.Token);
    }

    /// <summary>One round: the costly image is uploaded and started, then the photo; the photo's time to done.</summary>
    private static async Task RoundAsync(AnnotatorApi api, Case photo, Case costly, int round, TimeSpan idle, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var upload = await api.UploadAsync(costly.FileName, costly.Bytes, cancellationToken);
        var id = upload.Id ?? throw new InvalidOperationException($"{costly.Name} was refused: {upload.Status} {upload.Detail}");
        await WaitStartedAsync(api, id, cancellationToken);
        var busy = await TimeToDoneAsync(api, photo, cancellationToken);
        var stillRunning = !AnnotatorApi.IsFinal(await api.GetImageAsync(id, cancellationToken));
        var image = await api.WaitFinalAsync(id, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {costly.Name} | {round} | {Format.Seconds(idle)} | **{Format.Seconds(busy)}** | {(stillRunning ? "yes" : "no")} | {Format.Seconds(clock.Elapsed)} ({Format.Outcome(image)}) |"));
    }

    private static async Task<TimeSpan> TimeToDoneAsync(AnnotatorApi api, Case photo, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var upload = await api.UploadAsync(photo.FileName, photo.Bytes, cancellationToken);
        var image = await api.WaitFinalAsync(upload.Id ?? throw new InvalidOperationException($"{photo.Name} was refused: {upload.Detail}"), cancellationToken);
        if ((string?)image["state"] != "done") throw new InvalidOperationException($"{photo.Name} ended {Format.Outcome(image)}");
        return clock.Elapsed;
    }

    // "While it is being processed": its thumbnail (or caption) work has begun, not merely been queued.
    private static async Task WaitStartedAsync(AnnotatorApi api, string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var image = await api.GetImageAsync(id, cancellationToken);
            if ((string?)image["thumbnail"]?["state"] != "pending" || (string?)image["caption"]?["state"] != "pending") return;
            await Task.Delay(10, cancellationToken);
        }
    }
}
