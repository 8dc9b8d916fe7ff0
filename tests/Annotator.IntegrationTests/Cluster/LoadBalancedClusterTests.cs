using System.Net;
using Annotator.IntegrationTests.ScaleOut;
using Annotator.Testing;
using Xunit.Abstractions;

namespace Annotator.IntegrationTests.Cluster;

/// <summary>A test that needs the cluster's servers (scripts/services), nginx and ab: skipped without them, failed without them when they are required.</summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (TestServices.Required) return;
        if (new[] { "ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3", "ANNOTATOR_TEST_RABBITMQ" }.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) is null) is { } variable)
            Skip = $"{variable} is not set: scripts/test starts the servers this test needs";
        else if (NginxProcess.Executable is null || ApacheBench.Executable is null)
            Skip = "nginx or ab is not installed: scripts/test installs them (nginx, apache2-utils)";
    }
}

[Collection(MariaDbClusterCollection.Name)]
public sealed class LoadBalancedClusterOnMariaDbTests(MariaDbCluster fixture, ITestOutputHelper output) : LoadBalancedClusterTests(fixture, output);

[Collection(PostgresClusterCollection.Name)]
public sealed class LoadBalancedClusterOnPostgresTests(PostgresCluster fixture, ITestOutputHelper output) : LoadBalancedClusterTests(fixture, output);

/// <summary>
/// Issue 10's cluster shape: three web nodes and two workers on MariaDB or PostgreSQL, S3 and RabbitMQ, behind nginx
/// with the repository's configuration (deploy/nginx), one cluster for every test of the collection
/// (<see cref="ClusterFixture"/>). A web node killed under load costs no request.
/// </summary>
public abstract class LoadBalancedClusterTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int Requests = 40000;
    private const int Concurrency = 100;

    [ClusterFact]
    public async Task A_web_node_killed_mid_load_behind_nginx_fails_no_request()
    {
        var cluster = await fixture.GetAsync();
        var nginx = cluster.Nginx;
        var logFrom = nginx.ErrorLog.Length; // the cluster's log, since it started: this test's part
        using (var client = cluster.Client())
        {
            // Real pages: a gallery with photos in it, each done (nothing changes under the load, so every answer
            // has the first one's length, which ab checks).
            foreach (var photo in new[] { "nikon-gps.jpg", "exif-portrait-6.jpg", "trailcam-reconyx.jpg" })
                await client.WaitUntilFinishedAsync((await client.UploadImageAsync(TestData.Distinct(photo), $"killed-node-{photo}")).Id(), TimeSpan.FromMinutes(2));
            using var ready = await client.GetAsync("readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // The gallery page and the list API at once; the second web node is SIGKILLed once the list's ab reports a
        // third of its requests done (its progress lines come every tenth: at 12000 of 40000).
        var victim = cluster.Web[1];
        var killedAt = 0;
        var down = DateTime.MaxValue;
        try
        {
            var gallery = ApacheBench.RunAsync(nginx.BaseAddress, cluster.Token, Requests, Concurrency, _ => { });
            var list = ApacheBench.RunAsync(new Uri(nginx.BaseAddress, "api/images"), cluster.Token, Requests, Concurrency, completed =>
            {
                if (completed < Requests * 3 / 10 || Interlocked.CompareExchange(ref killedAt, completed, 0) != 0) return;
                victim.Kill();
                down = DateTime.UtcNow;
                output.WriteLine($"killed web node {victim.BaseAddress} (exit code {victim.ExitCode}) after {completed} requests of the list");
            });
            var runs = new[] { ("/", await gallery), ("/api/images", await list) };

            var errorLog = nginx.ErrorLog[logFrom..];
            var upstreamErrors = errorLog.Split('\n').Count(line => line.Contains("[error]") && line.Contains("upstream"));
            foreach (var (path, run) in runs)
                output.WriteLine($"{path}: ab -n {Requests} -c {Concurrency} ({cluster.Catalog}): exit code {run.ExitCode}, complete {run.Complete}, failed {run.Failed}, " +
                    $"non-2xx {run.NonSuccess}, {run.DocumentLength} bytes each, {run.RequestsPerSecond} requests/s");
            output.WriteLine($"nginx error log: {upstreamErrors} upstream errors (requests retried on another node)");
            foreach (var (_, run) in runs) output.WriteLine(run.Report);
            output.WriteLine(string.Join('\n', errorLog.Split('\n').Take(20)));

            Assert.NotEqual(0, killedAt);
            Assert.True(victim.HasExited, "the web node was not killed");
            Assert.All(runs, pair =>
            {
                var (_, run) = pair;
                Assert.Equal(0, run.ExitCode);
                Assert.Equal(Requests, run.Complete);
                Assert.Equal(0, run.Failed);
                Assert.Equal(0, run.NonSuccess);
            });
            // The gallery's HTML and a list of (at least) the three photos, not an error page or an empty list.
            Assert.True(runs[0].Item2.DocumentLength > 1000, $"the gallery page is {runs[0].Item2.DocumentLength} bytes");
            Assert.True(runs[1].Item2.DocumentLength > 3 * 300, $"the list is {runs[1].Item2.DocumentLength} bytes");
        }
        finally
        {
            if (victim.HasExited) await cluster.BringBackAsync(1, down == DateTime.MaxValue ? DateTime.UtcNow : down); // whole again for the next test
        }
    }
}
