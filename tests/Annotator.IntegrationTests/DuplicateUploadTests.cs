using System.Net;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>The same bytes uploaded again are answered with the image already there, and stored nowhere twice.</summary>
public sealed class DuplicateUploadTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private string[] RawObjects() =>
        Directory.Exists(Path.Combine(fixture.Server.DataDirectory, "objects", "raw"))
            ? [.. Directory.EnumerateFiles(Path.Combine(fixture.Server.DataDirectory, "objects", "raw")).Select(Path.GetFileName)!]
            : [];

    [Fact]
    public async Task Ten_concurrent_uploads_of_one_file_end_with_one_image_one_raw_object_and_nine_answers_naming_it()
    {
        var photo = TestData.Distinct("phone-jolla.jpg");

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            using var response = await Client.UploadAsync(photo, $"copy-{i}.jpg");
            return (response.StatusCode, Body: JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
        })));

        var created = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created).Body;
        var id = created.Id();
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a =>
        {
            Assert.Equal(HttpStatusCode.OK, a.StatusCode);
            Assert.Equal((id, $"/api/images/{id}"), (a.Body.Id(), (string?)a.Body["duplicateOf"]));
        });
        var done = await Client.WaitUntilFinishedAsync(id);
        Assert.Equal("done", (string?)done["state"]);
        var list = JsonNode.Parse(await Client.GetStringAsync("api/images?limit=50"))!["items"]!.AsArray();
        Assert.Equal([id], list.Select(i => (string)i!["id"]!));
        Assert.Equal([$"{id}.jpg"], RawObjects());

        (await Client.DeleteAsync($"api/images/{id}")).Dispose();
        await fixture.AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_file_sent_again_later_gets_the_first_image_under_its_own_name_and_once_deleted_is_new_again()
    {
        var photo = TestData.Distinct("camera-canon.jpg");
        var first = await Client.UploadImageAsync(photo, "holiday.jpg");

        using var again = await Client.UploadAsync(photo, "holiday-again.jpg");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var answer = JsonNode.Parse(await again.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal((first.Id(), "holiday.jpg", $"/api/images/{first.Id()}"), (answer.Id(), (string?)answer["fileName"], (string?)answer["duplicateOf"]));
        Assert.Single(RawObjects());

        await Client.WaitUntilFinishedAsync(first.Id());
        (await Client.DeleteAsync($"api/images/{first.Id()}")).Dispose();
        var fresh = await Client.UploadImageAsync(photo, "holiday-later.jpg"); // 201: the content is free again
        Assert.NotEqual(first.Id(), fresh.Id());
        await Client.WaitUntilFinishedAsync(fresh.Id());
        (await Client.DeleteAsync($"api/images/{fresh.Id()}")).Dispose();
        await fixture.AssertNothingStoredAsync();
    }
}
