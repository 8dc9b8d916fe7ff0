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

/// <summary>
/// Issue 10's cluster shape: three web nodes and two workers on MariaDB, S3 and RabbitMQ, behind nginx with the
/// repository's configuration (deploy/nginx). A web node killed under load costs no request.
/// </summary>
public sealed class LoadBalancedClusterTests(ITestOutputHelper output)
{
    private const int Requests = 40000;
    private const int Concurrency = 100;

    [ClusterFact]
    public async Task A_web_node_killed_mid_load_behind_nginx_fails_no_request()
    {
        await using var database = await MySqlDatabase.CreateAsync();
        var settings = database.Settings;
        foreach (var (key, value) in await TestServices.NewBucketAsync()) settings[key] = value;
        settings["Annotator:Events:Provider"] = "rabbitmq";
        settings["Annotator:Events:RabbitMq:Uri"] = TestServices.RabbitMq!;
        settings["Annotator:Events:RabbitMq:Prefix"] = $"it-{Guid.NewGuid():N}"; // queues of its own on the shared broker

        var nodes = new List<AnnotatorProcess>();
        try
        {
            // The first node alone (it migrates the catalog and makes the admin), then the rest at once; each apart.
            nodes.Add(await AnnotatorProcess.StartAsync(settings, arguments: ["--role", "web"]));
            Task<AnnotatorProcess>[] starting =
            [
                AnnotatorProcess.StartAsync(settings, arguments: ["--role", "web"]),
                AnnotatorProcess.StartAsync(settings, arguments: ["--role", "web"]),
                AnnotatorProcess.StartAsync(settings, arguments: ["--role", "worker"]),
                AnnotatorProcess.StartAsync(settings, arguments: ["--role", "worker"]),
            ];
            try { await Task.WhenAll(starting); }
            finally { nodes.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result)); } // stopped below, even if one failed
            var web = nodes.Take(3).ToList();
            await using var nginx = await NginxProcess.StartAsync(web.Select(node => node.BaseAddress));
            var token = web[0].Token!;

            using (var client = AccessApi.ClientWith(nginx.BaseAddress, token))
            {
                using var ready = await client.GetAsync("readyz");
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                using var images = await client.GetAsync("api/images");
                Assert.Equal(HttpStatusCode.OK, images.StatusCode);
            }

            // The second web node is SIGKILLed once ab reports a third of the requests done (its progress lines come
            // every tenth: at 12000 of 40000).
            var victim = web[1];
            var killedAt = 0;
            var run = await ApacheBench.RunAsync(new Uri(nginx.BaseAddress, "api/images"), token, Requests, Concurrency, completed =>
            {
                if (completed < Requests * 3 / 10 || Interlocked.CompareExchange(ref killedAt, completed, 0) != 0) return;
                victim.Kill();
                output.WriteLine($"killed web node {victim.BaseAddress} (exit code {victim.ExitCode}) after {completed} requests");
            });

            var upstreamErrors = nginx.ErrorLog.Split('\n').Count(line => line.Contains("[error]") && line.Contains("upstream"));
            output.WriteLine($"ab -n {Requests} -c {Concurrency}: exit code {run.ExitCode}, complete {run.Complete}, failed {run.Failed}, non-2xx {run.NonSuccess}, {run.RequestsPerSecond} requests/s");
            output.WriteLine($"nginx error log: {upstreamErrors} upstream errors (requests retried on another node)");
            output.WriteLine(run.Report);
            output.WriteLine(string.Join('\n', nginx.ErrorLog.Split('\n').Take(20)));

            Assert.NotEqual(0, killedAt);
            Assert.True(victim.HasExited, "the web node was not killed");
            Assert.Equal(0, run.ExitCode);
            Assert.Equal(Requests, run.Complete);
            Assert.Equal(0, run.Failed);
            Assert.Equal(0, run.NonSuccess);
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }
}
