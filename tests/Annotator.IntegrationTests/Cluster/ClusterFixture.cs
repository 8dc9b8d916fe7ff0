using System.Net;
using Annotator.IntegrationTests.ScaleOut;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Cluster;

/// <summary>The cluster tests' collection: they run one after another on one <see cref="ClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}

/// <summary>
/// One cluster for the tests of <see cref="ClusterCollection"/> (issue 10's shape): three
/// web nodes and two workers on a fresh MariaDB database, S3 bucket and RabbitMQ prefix, behind nginx rendered with
/// <c>X-Upstream</c> (which node answered). Started by the first test that asks for it (skipped tests start
/// nothing); each test leaves every web node running on its port, as it found them.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>nginx's <c>fail_timeout</c> in deploy/nginx: how long a node that failed a request is left out.</summary>
    public static readonly TimeSpan FailTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly List<AnnotatorProcess> _retired = [];
    private bool _started;
    private MySqlDatabase? _database;

    public AnnotatorProcess[] Web { get; } = new AnnotatorProcess[3];
    public List<AnnotatorProcess> Workers { get; } = [];
    public NginxProcess Nginx { get; private set; } = null!;
    public string Token { get; private set; } = null!;

    public async Task<ClusterFixture> GetAsync()
    {
        await _starting.WaitAsync();
        try
        {
            if (!_started)
            {
                _started = true; // disposed below however far it got
                await StartAsync();
            }
            return Nginx is null ? throw new InvalidOperationException("the cluster failed to start (see the first test)") : this;
        }
        finally { _starting.Release(); }
    }

    private async Task StartAsync()
    {
        _database = await MySqlDatabase.CreateAsync();
        var settings = _database.Settings;
        foreach (var (key, value) in await TestServices.NewBucketAsync()) settings[key] = value;
        settings["Annotator:Events:Provider"] = "rabbitmq";
        settings["Annotator:Events:RabbitMq:Uri"] = TestServices.RabbitMq!;
        settings["Annotator:Events:RabbitMq:Prefix"] = $"it-{Guid.NewGuid():N}"; // queues of its own on the shared broker

        // The first node alone (it migrates the catalog and makes the admin), then the rest at once.
        Web[0] = await AnnotatorProcess.StartAsync(settings, arguments: ["--role", "web"]);
        Task<AnnotatorProcess>[] web = [AnnotatorProcess.StartAsync(settings, arguments: ["--role", "web"]), AnnotatorProcess.StartAsync(settings, arguments: ["--role", "web"])];
        Task<AnnotatorProcess>[] workers = [AnnotatorProcess.StartAsync(settings, arguments: ["--role", "worker"]), AnnotatorProcess.StartAsync(settings, arguments: ["--role", "worker"])];
        try { await Task.WhenAll(web.Concat(workers)); }
        finally
        {
            // Stopped in DisposeAsync, even if one failed.
            for (var i = 0; i < web.Length; i++) if (web[i].IsCompletedSuccessfully) Web[i + 1] = web[i].Result;
            Workers.AddRange(workers.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
        }
        Token = Web[0].Token!;
        Nginx = await NginxProcess.StartAsync(Web.Select(node => node.BaseAddress), upstreamHeader: true);
        using var client = Client();
        using var images = await client.GetAsync("api/images");
        Assert.Equal(HttpStatusCode.OK, images.StatusCode);
    }

    /// <summary>A client of the cluster: through nginx, with the admin's token.</summary>
    public HttpClient Client(TimeSpan? timeout = null) => AccessApi.ClientWith(Nginx.BaseAddress, Token, timeout);

    /// <summary>
    /// Starts web node <paramref name="index"/> again on its port once it has stopped or was killed, and waits until
    /// it is back in rotation: its /readyz answers, nginx has sent it a request, and nginx's fail_timeout since it went
    /// down is over (each nginx worker keeps its own record of failed nodes and retries one only after that).
    /// </summary>
    public async Task<AnnotatorProcess> BringBackAsync(int index, DateTime downSince)
    {
        var old = Web[index];
        var node = await old.StartAgainAsync(samePort: true);
        Web[index] = node;
        _retired.Add(old);
        using var direct = node.NewClient(TimeSpan.FromSeconds(10));
        using var through = Client(TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        var ready = false;
        var served = false;
        while (!(ready && served && DateTime.UtcNow > downSince + FailTimeout + TimeSpan.FromSeconds(1)))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"web node {node.BaseAddress} not back in rotation (ready {ready}, served through nginx {served}):\n{node.Output}");
            try
            {
                if (!ready)
                {
                    using var response = await direct.GetAsync("readyz");
                    ready = response.StatusCode == HttpStatusCode.OK;
                }
                if (ready && !served)
                {
                    using var response = await through.GetAsync("healthz");
                    served = response.Headers.TryGetValues("X-Upstream", out var upstream) && upstream.Any(u => u.Contains($":{node.BaseAddress.Port}"));
                }
            }
            catch (HttpRequestException) { /* not up yet */ }
            catch (TaskCanceledException) { /* slow */ }
            await Task.Delay(100);
        }
        return node;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Nginx is not null) await Nginx.DisposeAsync();
        foreach (var node in Web.Concat(Workers).Where(n => n is not null)) await node.DisposeAsync();
        foreach (var node in _retired) await node.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}
