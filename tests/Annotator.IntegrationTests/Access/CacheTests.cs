using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Access;

/// <summary>
/// The live stream and the cached gallery list answer only those who may read, and the cache never gives one account's
/// "my uploads" to another; the shared list is one list for every reader.
/// </summary>
public sealed class CacheTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private Uri BaseAddress => fixture.Server.BaseAddress;

    [Fact]
    public async Task A_signed_out_live_stream_is_refused()
    {
        using var response = await fixture.Server.Anonymous().GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task My_uploads_are_each_editors_own_however_often_the_cached_list_is_asked()
    {
        var (aliceId, alice) = await fixture.Admin.SignedInAsAsync(BaseAddress, "editor");
        var (bobId, bob) = await fixture.Admin.SignedInAsAsync(BaseAddress, "editor");
        using var bobsScript = AccessApi.ClientWith(BaseAddress, await bob.MakeTokenAsync(["read"]));
        var alices = (await alice.UploadImageAsync(TestData.Distinct("exif-landscape-1.jpg"))).Id();
        var bobs = (await bob.UploadImageAsync(TestData.Distinct("exif-landscape-2.jpg"))).Id();
        await fixture.Admin.WaitUntilFinishedAsync(alices);
        await fixture.Admin.WaitUntilFinishedAsync(bobs);

        // Asked in turn, so each answer after the first could come from the cache the other's request filled.
        for (var round = 0; round < 3; round++)
        {
            Assert.Equal([alices], await MineAsync(alice, aliceId));
            Assert.Equal([bobs], await MineAsync(bob, bobId));
            Assert.Equal([bobs], await MineAsync(bobsScript, bobId));
            Assert.Empty(await MineAsync(fixture["viewer session"].Client, null));
        }
        var shared = await IdsAsync(alice, "api/images");
        Assert.Contains(alices, shared);
        Assert.Contains(bobs, shared);
    }

    [Fact]
    public async Task The_shared_list_is_the_same_for_a_viewer_and_an_admin()
    {
        var image = await fixture["editor session"].Client.UploadImageAsync(TestData.Distinct("exif-landscape-3.jpg"));
        await fixture.Admin.WaitUntilFinishedAsync(image.Id());

        var viewer = await fixture["viewer session"].Client.GetStringAsync("api/images");
        var admin = await fixture["admin session"].Client.GetStringAsync("api/images");
        var token = await fixture["admin's read token"].Client.GetStringAsync("api/images");

        Assert.Contains(image.Id(), viewer);
        Assert.Equal(viewer, admin);
        Assert.Equal(viewer, token);
    }

    /// <summary>The ids of "my uploads", each checked to be the caller's (or nobody's, for <paramref name="userId"/> null).</summary>
    private static async Task<string[]> MineAsync(HttpClient client, string? userId)
    {
        var items = (await client.GetFromJsonAsync<JsonObject>("api/images?mine=true"))!["items"]!.AsArray();
        Assert.All(items, i => Assert.Equal(userId, (string?)i!["uploadedBy"]?["id"]));
        return [.. items.Select(i => (string)i!["id"]!)];
    }

    private static async Task<string[]> IdsAsync(HttpClient client, string path) =>
        [.. (await client.GetFromJsonAsync<JsonObject>(path))!["items"]!.AsArray().Select(i => (string)i!["id"]!)];
}
