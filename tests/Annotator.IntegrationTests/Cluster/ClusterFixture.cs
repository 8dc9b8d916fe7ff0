using System.Data.Common;
using System.Net;
using Annotator.IntegrationTests.ScaleOut;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Cluster;

// One cluster per catalog engine. Not beside other tests, nor beside each other: each puts the machine's two cores
// under ab -c 100 and takes its servers down, and a test timing out on a starved machine proves nothing.

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MariaDbClusterCollection : ICollectionFixture<MariaDbCluster>
{
    public const string Name = "Cluster on MariaDB";
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "Cluster on PostgreSQL";
}

public sealed class MariaDbCluster() : ClusterFixture("mariadb");

public sealed class PostgresCluster() : ClusterFixture("postgres");

/// <summary>
/// One cluster for the tests of a collection (issue 10's shape): three web nodes and two workers on a database
/// (<paramref name="catalog"/>: mariadb or postgres) and a RabbitMQ of the cluster's own (<see cref="ClusterServices"/>:
/// the tests restart them) and a fresh bucket on the shared S3 stand-in, behind nginx rendered with
/// <c>X-Upstream</c> (which node answered). Started by the first test that asks for it (skipped tests start nothing);
/// each test leaves every node running, the web nodes on their ports, as it found them.
/// </summary>
public abstract class ClusterFixture(string catalog) : IAsyncLifetime
{
    /// <summary>nginx's <c>fail_timeout</c> in deploy/nginx: how long a node that failed a request is left out.</summary>
    public static readonly TimeSpan FailTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The workers' lease (30 s by default), shortened so a killed worker's claims are taken over within a test;
    /// renewal (a third of it) and take-over work as they do at any length.
    /// </summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly List<AnnotatorProcess> _retired = [];
    private bool _started;

    /// <summary>The catalog engine's name as scripts/services knows it: mariadb or postgres.</summary>
    public string Catalog => catalog;

    /// <summary>The cluster's own database server and RabbitMQ.</summary>
    public ClusterServices Services { get; private set; } = null!;

    /// <summary>The settings every node has.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; private set; } = null!;

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
        Services = await ClusterServices.StartAsync(catalog, "rabbitmq");
        var settings = catalog == "mariadb"
            ? (await MySqlDatabase.CreateAsync(Services["ANNOTATOR_TEST_MYSQL"])).Settings
            : (await PostgresDatabase.CreateAsync(Services["ANNOTATOR_TEST_POSTGRES"])).Settings; // dropped with its server
        foreach (var (key, value) in await TestServices.NewBucketAsync()) settings[key] = value;
        settings["Annotator:Events:Provider"] = "rabbitmq";
        settings["Annotator:Events:RabbitMq:Uri"] = Services["ANNOTATOR_TEST_RABBITMQ"];
        settings["Annotator:Work:LeaseDuration"] = LeaseDuration.ToString();
        Settings = settings;

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

    /// <summary>The first column of the first row of <paramref name="sql"/> on the catalog's database, as a number.</summary>
    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        var connectionString = Settings["Annotator:Catalog:ConnectionString"];
        await using DbConnection connection = catalog == "mariadb"
            ? new MySqlConnector.MySqlConnection(connectionString)
            : new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Every key in the cluster's bucket under <paramref name="prefix"/>.</summary>
    public async Task<List<string>> ListKeysAsync(string prefix)
    {
        using var s3 = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(Settings["AWS_ACCESS_KEY_ID"], Settings["AWS_SECRET_ACCESS_KEY"]),
            new Amazon.S3.AmazonS3Config { ServiceURL = Settings["Annotator:Storage:S3:ServiceUrl"], ForcePathStyle = true });
        var keys = new List<string>();
        var request = new Amazon.S3.Model.ListObjectsV2Request { BucketName = Settings["Annotator:Storage:S3:Bucket"], Prefix = prefix };
        Amazon.S3.Model.ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return keys;
    }

    /// <summary>Worker <paramref name="index"/> again (on a new data folder's process, same settings) once it was killed.</summary>
    public async Task BringBackWorkerAsync(int index)
    {
        var old = Workers[index];
        Workers[index] = await old.StartAgainAsync();
        _retired.Add(old);
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
        if (Services is not null) await Services.DisposeAsync();
    }
}
