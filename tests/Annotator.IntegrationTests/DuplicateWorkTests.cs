using System.Net;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>Work already asked for is never started twice at once and never spends the attempts kept for crashes.</summary>
public sealed class DuplicateWorkTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Twenty_re_captions_of_an_image_being_processed_end_done_and_never_failed()
    {
        var image = await Client.UploadImageAsync(TestData.Distinct("phone-jolla.jpg"));
        var states = new List<string?>();
        var watching = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                states.Add((string?)(await Client.GetImageAsync(image.Id()))!["state"]);
                await Task.Delay(20);
            }
        });

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Client.PostAsync($"api/images/{image.Id()}/recaption", null)));
        await watching;
        var finished = await Client.WaitUntilFinishedAsync(image.Id());

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        Assert.DoesNotContain("failed", states);
        Assert.Equal("done", (string?)finished["state"]);
        Assert.Equal(1, (int)finished["caption"]!["attempts"]!);
        (await Client.DeleteAsync($"api/images/{image.Id()}")).Dispose();
    }

    [Fact]
    public async Task Of_fifty_concurrent_retries_of_a_failed_image_exactly_one_is_accepted()
    {
        // Passes the upload checks, then fails to decode.
        await using var first = await AnnotatorProcess.StartAsync();
        var image = await first.Client.UploadImageAsync(TestData.Bad("corrupted-exif-samples.jpg"));
        Assert.Equal("failed", (string?)(await first.Client.WaitUntilFinishedAsync(image.Id()))["state"]);
        first.Kill();
        // A web node alone: the accepted retry's work waits for a worker, so it cannot fail again during the burst and
        // let a second retry through (which would be right, but not this test).
        await using var web = await AnnotatorProcess.StartAsync(dataDirectory: first.DataDirectory, arguments: ["--role", "web"]);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => web.Client.PostAsync($"api/images/{image.Id()}/retry", null)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Accepted);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Accepted), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
    }
}
