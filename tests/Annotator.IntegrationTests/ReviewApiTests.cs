using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>Human review through the API: the annotation in the image JSON and in live events, the review filter, bulk acceptance, bad bodies.</summary>
public sealed class ReviewApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private async Task<string> CaptionedAsync(string name)
    {
        var created = await Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"), name);
        return (await Client.WaitUntilFinishedAsync(created.Id())).Id();
    }

    private async Task<HttpResponseMessage> ReviewAsync(string id, object body) =>
        await Client.PutAsJsonAsync($"api/images/{id}/annotation", body);

    private async Task<string[]> ListAsync(string query) =>
        [.. JsonNode.Parse(await Client.GetStringAsync($"api/images?limit=200&{query}"))!["items"]!.AsArray().Select(i => (string)i!["id"]!)];

    [Fact]
    public async Task An_edit_shows_in_the_image_json_in_live_events_and_in_the_review_filter_and_the_prediction_stays()
    {
        var id = await CaptionedAsync("review-edit.jpg");
        Assert.Null((await Client.GetImageAsync(id))!["annotation"]);
        Assert.Contains(id, await ListAsync("review=unreviewed"));
        var unreviewed = (long)JsonNode.Parse(await Client.GetStringAsync("api/images/count?review=unreviewed"))!["count"]!;
        using var events = fixture.Server.NewClient(Timeout.InfiniteTimeSpan);
        using var stream = await events.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());

        using var response = await ReviewAsync(id, new { status = "edited", text = "  A street at night. ", tags = new[] { "Street", "night", "street" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var image = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var annotation = image["annotation"]!;
        Assert.Equal(("edited", "A street at night.", "admin"), ((string?)annotation["status"], (string?)annotation["text"], (string?)annotation["by"]!["userName"]));
        Assert.Equal(["street", "night"], annotation["tags"]!.AsArray().Select(t => (string)t!));
        Assert.NotNull((string?)image["caption"]!["text"]); // the prediction is kept beside it
        Assert.NotNull((string?)image["caption"]!["captionedAt"]);
        Assert.Contains(id, await ListAsync("review=edited"));
        Assert.DoesNotContain(id, await ListAsync("review=unreviewed,accepted"));
        // The count is cached per catalog version, as the list is: it follows once this node's change feed has the edit.
        var counted = DateTime.UtcNow;
        long now;
        while ((now = (long)JsonNode.Parse(await Client.GetStringAsync("api/images/count?review=unreviewed"))!["count"]!) != unreviewed - 1
               && DateTime.UtcNow - counted < TimeSpan.FromSeconds(10))
            await Task.Delay(50);
        Assert.Equal(unreviewed - 1, now);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonNode? live = null;
        while (live?["annotation"] is null && await reader.ReadLineAsync(timeout.Token) is { } line)
            if (line.StartsWith("data: ") && line.Contains(id)) live = JsonNode.Parse(line[6..]);
        Assert.Equal("edited", (string?)live!["annotation"]!["status"]);

        var audit = JsonNode.Parse(await Client.GetStringAsync($"api/audit?target={id}"))!;
        Assert.Contains(audit["items"]!.AsArray(), e => (string?)e!["action"] == "image.review" && (string?)e["detail"] == "edited");
    }

    [Fact]
    public async Task A_bulk_acceptance_takes_the_unreviewed_of_the_selection_and_leaves_a_rejection_as_it_is()
    {
        var a = await CaptionedAsync("bulk-a.jpg");
        var b = await CaptionedAsync("bulk-b.jpg");
        using (var rejected = await ReviewAsync(b, new { status = "rejected", reason = "blurry" })) Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);

        using var response = await Client.PostAsJsonAsync("api/annotations/accept", new { ids = new[] { a, b } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal([a], result["accepted"]!.AsArray().Select(i => (string)i!));
        Assert.Equal(1, (int)result["skipped"]!);
        var accepted = (await Client.GetImageAsync(a))!;
        Assert.Equal((string?)accepted["caption"]!["text"], (string?)accepted["annotation"]!["text"]);
        Assert.Equal(("rejected", "blurry"), ((string?)(await Client.GetImageAsync(b))!["annotation"]!["status"], (string?)(await Client.GetImageAsync(b))!["annotation"]!["reason"]));
    }

    [Theory]
    [InlineData("""{}""", "status is required")]
    [InlineData("""{"status":"approved"}""", "'approved' is not one of accepted, edited, rejected")]
    [InlineData("""{"status":"accepted","text":"mine"}""", "accepted takes no text or tags")]
    [InlineData("""{"status":"edited"}""", "edited needs the text you wrote")]
    [InlineData("""{"status":"accepted","reason":"why"}""", "a reason goes with status 'rejected' only")]
    public async Task A_bad_review_is_a_400_with_one_line_and_changes_nothing(string body, string expected)
    {
        var id = await CaptionedAsync("review-bad.jpg");
        var before = (long)(await Client.GetImageAsync(id))!["version"]!;

        using var response = await Client.PutAsync($"api/images/{id}/annotation", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (string?)(await response.ProblemAsync())["detail"]);
        var after = (await Client.GetImageAsync(id))!;
        Assert.Equal(before, (long)after["version"]!);
        Assert.Null(after["annotation"]);
    }
}
