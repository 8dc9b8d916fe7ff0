using System.Diagnostics;
using System.Text.RegularExpressions;
using Annotator.Testing;
using Xunit.Abstractions;

namespace Annotator.IntegrationTests.Cluster;

/// <summary>
/// <c>scripts/cluster</c> as a person runs it: up (one web node and one worker, the tests' build), status, a photo
/// through the URL it prints with the token it made, down, and nothing of it left behind. In the MariaDB cluster's
/// collection only so that it never runs beside another cluster; it starts its own.
/// </summary>
[Collection(MariaDbClusterCollection.Name)]
public sealed partial class ClusterScriptTests(ITestOutputHelper output)
{
    [ClusterFact]
    public async Task Up_serves_a_photo_through_nginx_and_down_leaves_nothing_behind()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"annotator-cluster-test-{Guid.NewGuid():N}");
        var (upCode, up) = await RunAsync(dir, "up", "--web", "1", "--workers", "1");
        try
        {
            output.WriteLine(up);
            Assert.Equal(0, upCode);
            var url = new Uri(Url().Match(up).Groups[1].Value + "/");
            using var client = AccessApi.ClientWith(url, (await File.ReadAllTextAsync(Path.Combine(dir, "admin-token"))).Trim(), TimeSpan.FromSeconds(60));

            var image = await client.WaitUntilFinishedAsync((await client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id(), TimeSpan.FromMinutes(2));
            Assert.Equal("done", (string?)image["state"]);
            var (statusCode, status) = await RunAsync(dir, "status");
            output.WriteLine(status);
            Assert.Equal(0, statusCode);
            foreach (var process in new[] { "web1", "worker1", "nginx" })
                Assert.Matches($@"(?m)^{process}\s+\d+\s+\d+\s+running\s+200$", status);
        }
        finally
        {
            var (downCode, down) = await RunAsync(dir, "down");
            output.WriteLine(down);
            Assert.Equal(0, downCode);
        }
        Assert.False(Directory.Exists(dir), "down left the cluster's folder");
        Assert.DoesNotContain(Process.GetProcesses(), p => Environ(p).Contains($"ANNOTATOR_CLUSTER_RUN={dir}\n"));
    }

    /// <summary>scripts/cluster with these arguments, on the tests' build, in <paramref name="dir"/>: its exit code and output.</summary>
    private static async Task<(int, string)> RunAsync(string dir, params string[] arguments)
    {
        var (exitCode, output, errors) = await RepositoryScript.RunAsync(
            new Dictionary<string, string> { ["ANNOTATOR_CLUSTER_DIR"] = dir, ["ANNOTATOR_CLUSTER_CONFIGURATION"] = "Debug" },
            TimeSpan.FromMinutes(5), ["scripts/cluster", .. arguments]);
        return (exitCode, output + errors);
    }

    private static string Environ(Process process)
    {
        try { return File.ReadAllText($"/proc/{process.Id}/environ").Replace('\0', '\n'); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    [GeneratedRegex(@"(?m)^url:\s+(\S+)$")]
    private static partial Regex Url();
}
