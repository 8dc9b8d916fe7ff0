using System.Text.Json.Nodes;
using Annotator.Testing;
using Xunit.Abstractions;

namespace Annotator.IntegrationTests.Cluster;

/// <summary>
/// Issue 10, behind nginx (deploy/nginx) on the collection's one cluster (<see cref="ClusterFixture"/>): a rolling restart of
/// every web node under load costs no request, and a live event stream whose node dies resumes on another node
/// without missing a change.
/// </summary>
[Collection(MariaDbClusterCollection.Name)]
public sealed class HighAvailabilityTests(MariaDbCluster fixture, ITestOutputHelper output)
{
    private const int Requests = 40000;
    private const int Concurrency = 100;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [ClusterFact]
    public async Task A_rolling_restart_of_every_web_node_under_load_behind_nginx_fails_no_request()
    {
        var cluster = await fixture.GetAsync();
        var logFrom = cluster.Nginx.ErrorLog.Length; // the cluster's log, since it started: this test's part
        var log = new List<string>();
        void Say(string line) { lock (log) log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"); }

        // The restarts begin once the first round of ab reports a tenth done. If a round ends before the last node is
        // back, another round runs: the load lasts as long as the restarts, however slow the machine.
        Task? restarts = null;
        var begun = 0;
        var rounds = new List<ApacheBench>();
        while (true)
        {
            rounds.Add(await ApacheBench.RunAsync(new Uri(cluster.Nginx.BaseAddress, "api/images"), cluster.Token, Requests, Concurrency, completed =>
            {
                if (completed >= Requests / 10 && Interlocked.Exchange(ref begun, 1) == 0) restarts = Task.Run(() => RestartEachAsync(cluster, Say));
            }));
            if (restarts is { IsCompleted: true } || rounds.Count == 20) break;
        }
        await restarts!; // its failure, if any

        var errorLog = cluster.Nginx.ErrorLog[logFrom..];
        var upstreamErrors = errorLog.Split('\n').Count(line => line.Contains("[error]") && line.Contains("upstream"));
        lock (log) foreach (var line in log) output.WriteLine(line);
        foreach (var (run, i) in rounds.Select((run, i) => (run, i)))
            output.WriteLine($"round {i + 1}: ab -n {Requests} -c {Concurrency}: exit code {run.ExitCode}, complete {run.Complete}, failed {run.Failed}, non-2xx {run.NonSuccess}, {run.RequestsPerSecond} requests/s");
        output.WriteLine($"nginx error log: {upstreamErrors} upstream errors (requests retried on another node)");
        output.WriteLine(string.Join('\n', errorLog.Split('\n').Take(20)));
        foreach (var run in rounds.Where(r => r.Failed != 0 || r.NonSuccess != 0 || r.ExitCode != 0)) output.WriteLine(run.Report);

        Assert.All(rounds, run =>
        {
            Assert.Equal(0, run.ExitCode);
            Assert.Equal(Requests, run.Complete);
            Assert.Equal(0, run.Failed);
            Assert.Equal(0, run.NonSuccess);
        });
    }

    /// <summary>Each web node in turn: SIGTERM, wait for its exit, start it on its port, wait until nginx uses it again.</summary>
    private static async Task RestartEachAsync(ClusterFixture cluster, Action<string> say)
    {
        for (var i = 0; i < cluster.Web.Length; i++)
        {
            var node = cluster.Web[i];
            say($"stopping web node {node.BaseAddress} (SIGTERM)");
            var exitCode = await node.StopAsync();
            var down = DateTime.UtcNow;
            say($"web node {node.BaseAddress} exited with {exitCode}");
            if (exitCode != 0) throw new InvalidOperationException($"web node {node.BaseAddress} exited with {exitCode} on SIGTERM:\n{node.Output}");
            var again = await cluster.BringBackAsync(i, down);
            say($"web node {again.BaseAddress} started again, ready, and served through nginx");
        }
    }

    [ClusterFact]
    public async Task A_live_event_stream_whose_node_is_killed_resumes_through_nginx_with_every_change()
    {
        var cluster = await fixture.GetAsync();
        using var client = cluster.Client(TimeSpan.FromSeconds(120));
        string[] photos = ["phone-jolla.jpg", "camera-canon.jpg", "nikon-gps.jpg", "exif-landscape-1.jpg", "phone-nokia.jpg",
            "trailcam-reconyx.jpg", "exif-portrait-6.jpg", "canon-18mp-dark.jpg", "exif-landscape-3.jpg", "phone-iphone.jpg"];

        await using var first = await EventStream.OpenAsync(cluster.Client(Timeout.InfiniteTimeSpan), lastEventId: null);
        var victimIndex = Array.FindIndex(cluster.Web, node => first.Upstream.EndsWith($":{node.BaseAddress.Port}"));
        Assert.True(victimIndex >= 0, $"the stream's node {first.Upstream} is none of the web nodes");
        var victim = cluster.Web[victimIndex];
        output.WriteLine($"first stream on web node {first.Upstream}");

        // Half the photos, then the node is SIGKILLed once the stream has carried some of their changes (more follow:
        // the workers are still at them) ...
        var ids = new List<string>();
        foreach (var photo in photos.Take(5)) ids.Add((await client.UploadImageAsync(TestData.Distinct(photo), $"ha-{ids.Count:00}-{photo}")).Id());
        await first.WaitUntilAsync(events => events.Count(e => e.Type == "image" && ids.Contains(e.ImageId!)) >= 5, Patience);
        victim.Kill();
        var down = DateTime.UtcNow;
        var ended = await first.EndedAsync(Patience);
        var lastId = first.LastId;
        var firstEvents = first.Events;
        output.WriteLine($"killed web node {victim.BaseAddress} (exit code {victim.ExitCode}); the stream ended ({ended}) after {firstEvents.Count} events, last id {lastId}");

        try
        {
            // ... the other half while no stream is open, then a new one through nginx resumes after the last id heard.
            foreach (var photo in photos.Skip(5)) ids.Add((await client.UploadImageAsync(TestData.Distinct(photo), $"ha-{ids.Count:00}-{photo}")).Id());
            await using var second = await EventStream.OpenAsync(cluster.Client(Timeout.InfiniteTimeSpan), lastId);
            output.WriteLine($"second stream on web node {second.Upstream} (nginx tried {second.Tried}), Last-Event-ID {lastId}");
            Assert.False(second.Upstream.EndsWith($":{victim.BaseAddress.Port}"), $"the second stream is on the killed node {second.Upstream}");
            bool AllDone(IReadOnlyList<Heard> events) => ids.All(id => firstEvents.Concat(events).Any(e => e.ImageId == id && e.State is "done" or "failed"));
            await second.WaitUntilAsync(AllDone, Patience);
            var heard = firstEvents.Concat(second.Events).ToList();

            // What the catalog holds now: each image's latest version. Every one was heard, as a final state.
            var catalog = JsonNode.Parse(await client.GetStringAsync("api/images?limit=200"))!["items"]!.AsArray()
                .Select(item => item!.AsObject()).Where(item => ids.Contains((string)item["id"]!))
                .ToDictionary(item => (string)item["id"]!, item => (long)item["version"]!);
            var versions = heard.Where(e => e.Type == "image").Select(e => e.Id).ToHashSet();
            // A node coalesces a burst into one event per image, whose id is the newest version it reflects (LiveFeed):
            // an image's intermediate versions need not all be heard, its newest must be.
            var unheard = Enumerable.Range(1, (int)versions.Max()).Select(v => (long)v).Where(v => !versions.Contains(v)).ToList();
            output.WriteLine($"first stream: {firstEvents.Count(e => e.Type == "image")} image events; second: {second.Events.Count(e => e.Type == "image")}; " +
                $"{versions.Count} distinct versions heard, {versions.Min()}..{versions.Max()}; not heard (coalesced): {string.Join(",", unheard)}");
            foreach (var id in ids)
                output.WriteLine($"  {id}: catalog version {catalog[id]}, heard {string.Join(",", heard.Where(e => e.ImageId == id).Select(e => $"{e.Id}:{e.State}"))}");
            Assert.Equal(ids.Count, catalog.Count);
            // Each stream in version order, the second starting after the first's last id: nothing out of order, nothing twice.
            foreach (var stream in new[] { firstEvents, second.Events })
            {
                var order = stream.Where(e => e.Type == "image").Select(e => e.Id).ToList();
                Assert.Equal(order.Order().Distinct(), order);
            }
            Assert.All(second.Events.Where(e => e.Type == "image"), e => Assert.True(e.Id > lastId, $"replayed {e.Id}, at or below Last-Event-ID {lastId}"));
            Assert.All(ids, id =>
            {
                var final = heard.Where(e => e.ImageId == id && e.Type == "image").MaxBy(e => e.Id)!;
                Assert.Contains(catalog[id], versions);
                Assert.True(final.Id >= catalog[id], $"{id}: newest event heard {final.Id}, catalog version {catalog[id]}");
                Assert.Equal("done", final.State);
            });
        }
        finally
        {
            await cluster.BringBackAsync(victimIndex, down); // the cluster whole again for the next test
        }
    }
}

/// <summary>One event of a stream: its id (a change-feed version), type, and for <c>image</c> the image's id and state.</summary>
public sealed record Heard(long Id, string Type, string? ImageId, string? State);

/// <summary><c>GET /api/events</c> read in the background, every event kept; the stream's node from <c>X-Upstream</c>.</summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly List<Heard> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<string> _reading;

    /// <summary>The node that answered: the last of <see cref="Tried"/>.</summary>
    public string Upstream => Tried.Split(',').Last().Trim();

    /// <summary>
    /// <c>X-Upstream</c> (<c>$upstream_addr</c>): every node nginx tried, in order, e.g. "127.0.0.1:4001, 127.0.0.1:4002"
    /// when the first refused the connection (each nginx worker learns of a dead node on its own).
    /// </summary>
    public string Tried { get; }

    private EventStream(HttpClient client, HttpResponseMessage response, Stream body)
    {
        _client = client;
        _response = response;
        Tried = response.Headers.TryGetValues("X-Upstream", out var values) ? string.Join(",", values) : "(no X-Upstream)";
        _reading = ReadAsync(new StreamReader(body));
    }

    public static async Task<EventStream> OpenAsync(HttpClient client, long? lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
        if (lastEventId is { } id) request.Headers.Add("Last-Event-ID", id.ToString());
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new EventStream(client, response, await response.Content.ReadAsStreamAsync());
    }

    public IReadOnlyList<Heard> Events { get { lock (_events) return [.. _events]; } }

    /// <summary>The last id heard (pings carry one too), as a reconnecting EventSource sends it.</summary>
    public long? LastId { get { lock (_events) return _events.Count == 0 ? null : _events[^1].Id; } }

    private async Task<string> ReadAsync(StreamReader reader)
    {
        try
        {
            string? id = null, type = null, data = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("id: ")) id = line[4..];
                else if (line.StartsWith("event: ")) type = line[7..];
                else if (line.StartsWith("data: ")) data = line[6..];
                else if (line.Length == 0)
                {
                    if (id is not null && type is not null)
                    {
                        var image = type == "image" && data is not null ? JsonNode.Parse(data)!.AsObject() : null;
                        lock (_events) _events.Add(new Heard(long.Parse(id), type, (string?)image?["id"], (string?)image?["state"]));
                    }
                    (id, type, data) = (null, null, null);
                }
            }
            return "end of stream";
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    public async Task WaitUntilAsync(Func<IReadOnlyList<Heard>, bool> enough, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!enough(Events))
        {
            if (_reading.IsCompleted) throw new InvalidOperationException($"the stream ended ({await _reading}) after {Events.Count} events");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not heard in time; {Events.Count} events: {string.Join(", ", Events.Select(e => $"{e.Id}:{e.Type}:{e.ImageId}:{e.State}"))}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the stream ends (its node died or stopped); how it ended.</summary>
    public async Task<string> EndedAsync(TimeSpan timeout) => await _reading.WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _response.Dispose(); // ends a read the token does not
        try { await _reading.WaitAsync(TimeSpan.FromSeconds(10)); } catch (TimeoutException) { /* abandoned */ }
        _client.Dispose();
        _stop.Dispose();
    }
}
