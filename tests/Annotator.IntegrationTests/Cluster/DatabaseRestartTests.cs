using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Annotator.Testing;
using Xunit.Abstractions;

namespace Annotator.IntegrationTests.Cluster;

/// <summary>
/// Issue 10's fourth HA test: the cluster's MariaDB stopped and started again while nginx takes reads and uploads.
/// Every node comes back by itself; a request the outage catches gets a 503 problem with Retry-After, never another
/// 5xx; an upload that got a 201 ends done, and one that did not left nothing behind.
/// </summary>
[Collection(MariaDbClusterCollection.Name)]
public sealed class DatabaseRestartTests(MariaDbCluster fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private sealed record Answer(string Phase, string Kind, int Status, string? RetryAfter, string Body);

    [ClusterFact]
    public async Task MariaDB_restarted_under_load_costs_only_503s_with_Retry_After_and_loses_nothing()
    {
        var cluster = await fixture.GetAsync();
        var prefix = $"db{Guid.NewGuid():N}"[..14];
        var photo = File.ReadAllBytes(TestData.Distinct("nikon-gps.jpg"));
        var answers = new ConcurrentQueue<Answer>();
        var accepted = new ConcurrentDictionary<string, int>();
        var phase = "before";
        using var stop = new CancellationTokenSource();
        using var client = cluster.Client(TimeSpan.FromSeconds(60));

        async Task<Answer> SendAsync(string kind, Func<Task<HttpResponseMessage>> send)
        {
            try
            {
                using var response = await send();
                var answer = new Answer(phase, kind, (int)response.StatusCode,
                    response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(), await response.Content.ReadAsStringAsync());
                answers.Enqueue(answer);
                return answer;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                var answer = new Answer(phase, kind, 0, null, $"{e.GetType().Name}: {e.Message}");
                answers.Enqueue(answer);
                return answer;
            }
        }

        // Readers: the gallery's first page (the list cache may answer it) and searches for new words (the database must).
        var readers = Enumerable.Range(0, 6).Select(r => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var url = i % 2 == 0 ? "api/images?limit=24" : $"api/images?q=w{r}x{i}";
                await SendAsync("read", () => client.GetAsync(url));
                await Task.Delay(10);
            }
        })).ToList();
        var uploaders = Enumerable.Range(0, 2).Select(u => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var n = u * 100000 + i;
                using var form = new MultipartFormDataContent();
                var content = new ByteArrayContent([.. photo, .. Encoding.ASCII.GetBytes($"{n}")]); // other bytes after EOI
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(content, "file", $"{prefix}-{n}.jpg");
                var answer = await SendAsync("upload", () => client.PostAsync("api/images", form));
                if (answer.Status == 201) accepted[(string)JsonNode.Parse(answer.Body)!["id"]!] = n;
                await Task.Delay(50);
            }
        })).ToList();

        var log = new List<string>();
        void Say(string line) => log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        int Count(string p, string? kind = null) => answers.Count(a => a.Phase == p && (kind is null || a.Kind == kind));
        async Task UntilAsync(Func<bool> enough, string what)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (!enough())
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not in {Patience}");
                await Task.Delay(50);
            }
        }

        TimeSpan recovery;
        try
        {
            await UntilAsync(() => Count("before", "upload") >= 10, "10 uploads before the outage");
            Say("stopping MariaDB");
            await cluster.Services.DownAsync("mariadb");
            phase = "down";
            Say("MariaDB is down");
            await UntilAsync(() => Count("down", "read") >= 200 && Count("down", "upload") >= 10, "200 reads and 10 uploads answered during the outage");
            await cluster.Services.UpAsync("mariadb");
            phase = "after";
            var up = DateTime.UtcNow;
            Say("MariaDB is up again");

            // Every node by itself, none restarted: each web node ready and answering from the database directly, and
            // uploads through nginx accepted again.
            foreach (var node in cluster.Web)
            {
                using var direct = node.NewClient(TimeSpan.FromSeconds(10));
                await UntilAsync(() => Ready(direct).Result, $"web node {node.BaseAddress} ready again");
            }
            await UntilAsync(() => answers.Count(a => a.Phase == "after" && a.Kind == "upload" && a.Status == 201) >= 10, "10 uploads accepted after the outage");
            recovery = DateTime.UtcNow - up;
            Say($"every web node ready again, uploads accepted, {recovery.TotalSeconds:F1} s after MariaDB was back");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers.Concat(uploaders));
        }

        // Every accepted upload, those of just before the outage included, ends done: the workers came back by themselves.
        var states = new Dictionary<string, string?>();
        await UntilAsync(() =>
        {
            states = accepted.Keys.ToDictionary(id => id, id => (string?)client.GetImageAsync(id).Result?["state"]);
            return states.Values.All(s => s is "done" or "failed");
        }, "every accepted upload final");
        var rows = await cluster.ScalarAsync("SELECT COUNT(*) FROM images WHERE file_name LIKE @prefix", ("prefix", prefix + "-%"));
        var allRows = await cluster.ScalarAsync("SELECT COUNT(*) FROM images");
        var raw = await cluster.ListKeysAsync("raw/");

        var all = answers.ToList();
        foreach (var line in log) output.WriteLine(line);
        foreach (var group in all.GroupBy(a => (a.Phase, a.Kind, a.Status)).OrderBy(g => g.Key.Phase).ThenBy(g => g.Key.Kind).ThenBy(g => g.Key.Status))
            output.WriteLine($"{group.Key.Phase,-6} {group.Key.Kind,-6} {(group.Key.Status == 0 ? "no answer" : group.Key.Status.ToString()),-9} {group.Count()}");
        foreach (var body in all.Where(a => a.Status == 503).Select(a => a.Body).Distinct().Take(3)) output.WriteLine($"503: {body}");
        // Valid requests all: anything but a success or a 503 (a 500, nginx's 502, a 4xx, no answer) is wrong.
        var wrong = all.Where(a => a.Status is not (200 or 201 or 503)).ToList();
        foreach (var answer in wrong.Take(10)) output.WriteLine($"WRONG {answer}");
        if (wrong.Count > 0) // what the nodes said about it
            foreach (var node in cluster.Web)
                output.WriteLine($"web node {node.BaseAddress} errors:\n" + string.Join('\n', node.Output.Split('\n')
                    .SkipWhile(line => !line.Contains("fail:")).Where(line => !line.TrimStart().StartsWith("at ")).Take(30)));
        output.WriteLine($"{accepted.Count} uploads accepted, {rows} rows for them; {allRows} rows and {raw.Count} originals in the catalog and bucket");

        Assert.Empty(wrong);
        Assert.Contains(all, a => a.Phase == "down" && a.Status == 503);
        Assert.All(all.Where(a => a.Status == 503), a =>
        {
            Assert.NotNull(a.RetryAfter);
            Assert.Contains("catalog", JsonNode.Parse(a.Body)!["detail"]!.ToString());
        });
        Assert.All(states, pair => Assert.Equal("done", pair.Value));
        Assert.Equal(accepted.Count, rows);
        Assert.Equal(allRows, raw.Count); // an upload the outage refused left no original behind
    }

    private static async Task<bool> Ready(HttpClient direct)
    {
        try
        {
            using var ready = await direct.GetAsync("readyz");
            using var list = await direct.GetAsync($"api/images?q=ready{Guid.NewGuid():N}");
            return ready.StatusCode == HttpStatusCode.OK && list.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
    }
}
