using System.Net;
using Annotator.Testing;

namespace Annotator.IntegrationTests.ScaleOut;

/// <summary>
/// The catalog's database goes away under a running node and comes back: meanwhile requests get a 503 problem with
/// Retry-After (a load balancer, a client or a page tries again), never a 500; afterwards the same node serves again
/// without a restart, and what it had stored is all there.
/// </summary>
public sealed class DatabaseOutageTests
{
    [ServicesFact("ANNOTATOR_TEST_POSTGRES")]
    public async Task While_the_database_is_gone_requests_get_503_with_retry_after_and_the_node_recovers_by_itself()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await AnnotatorProcess.StartAsync(database.Settings);
        var image = await server.Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"));
        await server.Client.WaitUntilFinishedAsync(image.Id());

        await database.CutOffAsync();
        try
        {
            // One image's read is never answered from a cache: it reaches the database (or finds it gone).
            using var during = await server.Client.GetAsync($"api/images/{image.Id()}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.NotNull(during.Headers.RetryAfter?.Delta);
            Assert.Contains("catalog", (string?)(await during.ProblemAsync())["detail"]);
            using var upload = await server.Client.UploadAsync(TestData.Distinct("phone-jolla.jpg"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, upload.StatusCode);
        }
        finally
        {
            await database.RestoreAsync();
        }

        // The same process, not restarted: its pool opens new connections and it answers again.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        HttpStatusCode status;
        while ((status = (await server.Client.GetAsync($"api/images/{image.Id()}")).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(server.HasExited);
        Assert.Equal("done", (string?)(await server.Client.GetImageAsync(image.Id()))!["state"]);
        Assert.DoesNotContain("Unhandled exception", server.Output);
    }
}
