using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>Near-duplicates as a client sees them: the image's similar photos, and the gallery's filter and count.</summary>
public sealed class NearDuplicateTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private async Task<string> DoneAsync(string file)
    {
        var id = (await Client.UploadImageAsync(TestData.Image(file))).Id();
        Assert.Equal("done", (string?)(await Client.WaitUntilFinishedAsync(id))["state"]);
        return id;
    }

    [Fact]
    public async Task The_same_photo_stored_in_another_orientation_is_similar_and_a_different_photo_is_not()
    {
        // One photo, its pixels stored turned and an EXIF orientation that shows them upright again: other bytes, same picture.
        var upright = await DoneAsync("exif-landscape-1.jpg");
        var turned = await DoneAsync("exif-landscape-6.jpg");
        var other = await DoneAsync("camera-canon.jpg");

        var similar = JsonNode.Parse(await Client.GetStringAsync($"api/images/{upright}/similar"))!;
        Assert.True((bool)similar["hashed"]!);
        var found = Assert.Single(similar["items"]!.AsArray())!;
        Assert.Equal(turned, (string?)found["image"]!["id"]);
        Assert.InRange((int)found["distance"]!, 0, 10);
        Assert.Empty(JsonNode.Parse(await Client.GetStringAsync($"api/images/{other}/similar"))!["items"]!.AsArray());

        var filtered = JsonNode.Parse(await Client.GetStringAsync("api/images?similar=true"))!["items"]!.AsArray();
        Assert.Equal([turned, upright], filtered.Select(i => (string)i!["id"]!));
        Assert.Equal(2, (long)JsonNode.Parse(await Client.GetStringAsync("api/images/count?similar=true"))!["count"]!);
        Assert.Equal(3, (long)JsonNode.Parse(await Client.GetStringAsync("api/images/count"))!["count"]!);

        foreach (var id in new[] { upright, turned, other }) (await Client.DeleteAsync($"api/images/{id}")).Dispose();
        await fixture.AssertNothingStoredAsync();
    }
}
