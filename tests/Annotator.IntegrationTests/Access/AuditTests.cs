using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Access;

/// <summary>What was done, by whom, to what: uploads, deletes, re-captions, role changes and tokens are in the audit log.</summary>
public sealed class AuditTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private Uri BaseAddress => fixture.Server.BaseAddress;

    [Fact]
    public async Task Image_changes_are_recorded_with_the_editor_who_made_them()
    {
        var name = $"auditee-{Guid.NewGuid():N}"[..20];
        var (editorId, editor) = await fixture.Admin.SignedInAsAsync(BaseAddress, "editor", name);
        var image = await editor.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"), "audited.jpg");
        await editor.WaitUntilFinishedAsync(image.Id());
        (await editor.PostAsync($"api/images/{image.Id()}/recaption", Json("{}"))).EnsureSuccessStatusCode();
        (await editor.DeleteAsync($"api/images/{image.Id()}")).EnsureSuccessStatusCode();

        var entries = await EntriesAsync($"target={image.Id()}");

        Assert.Equal(["image.delete", "image.recaption", "image.upload"], entries.Select(e => (string)e["action"]!).ToArray());
        Assert.All(entries, e =>
        {
            Assert.Equal(editorId, (string?)e["actorId"]);
            Assert.Equal(name, (string?)e["actorName"]);
            Assert.Contains("audited.jpg", (string?)e["detail"]);
        });
    }

    [Fact]
    public async Task Role_changes_and_tokens_are_recorded_with_who_did_them()
    {
        var name = $"promoted-{Guid.NewGuid():N}"[..20];
        var (userId, user) = await fixture.Admin.SignedInAsAsync(BaseAddress, "viewer", name);
        using var created = await user.PostAsJsonAsync("api/tokens", new { name = "audited token", scopes = new[] { "read" }, expiresInDays = 7 });
        var tokenId = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        (await user.DeleteAsync($"api/tokens/{tokenId}")).EnsureSuccessStatusCode();
        (await fixture.Admin.PatchAsJsonAsync($"api/users/{userId}", new { role = "editor" })).EnsureSuccessStatusCode();

        var token = await EntriesAsync($"target={tokenId}");
        var account = await EntriesAsync($"target={userId}");

        Assert.Equal(["token.revoke", "token.create"], token.Select(e => (string)e["action"]!).ToArray());
        Assert.All(token, e => Assert.Equal(userId, (string?)e["actorId"]));
        Assert.Contains("audited token", (string?)token[1]["detail"]);
        var change = Assert.Single(account, e => (string?)e["action"] == "user.change");
        Assert.Equal(AnnotatorProcess.AdminUser, (string?)change["actorName"]);
        Assert.Contains("viewer → editor", (string?)change["detail"]);
        Assert.Contains(account, e => (string?)e["action"] == "user.create");
        Assert.Contains(account, e => (string?)e["action"] == "auth.sign-in" && (string?)e["actorId"] == userId);
    }

    [Fact]
    public async Task A_viewer_cannot_read_the_audit_log()
    {
        using var response = await fixture["viewer session"].Client.GetAsync("api/audit");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await response.ProblemAsync();
    }

    [Fact]
    public async Task The_log_pages_by_cursor_newest_first_without_gaps_or_repeats()
    {
        var (userId, user) = await fixture.Admin.SignedInAsAsync(BaseAddress, "editor");
        for (var i = 0; i < 4; i++)
        {
            using var created = await user.PostAsJsonAsync("api/tokens", new { name = $"paged {i}", scopes = new[] { "read" }, expiresInDays = 1 });
            created.EnsureSuccessStatusCode();
        }
        var whole = await EntriesAsync($"actor={userId}&limit=500");
        Assert.Equal(5, whole.Count); // the sign-in and four tokens

        var paged = new List<JsonObject>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await fixture.Admin.GetFromJsonAsync<JsonObject>($"api/audit?actor={userId}&limit=2{(cursor is null ? "" : $"&before={cursor}")}"))!;
            var items = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
            Assert.InRange(items.Count, 1, 2);
            paged.AddRange(items);
            cursor = (string?)page["nextCursor"];
            pages++;
        } while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(whole.Select(e => (long)e["id"]!), paged.Select(e => (long)e["id"]!));
        Assert.Equal(paged.Select(e => (long)e["id"]!).OrderDescending(), paged.Select(e => (long)e["id"]!));
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Admin.GetAsync("api/audit?before=nonsense")).StatusCode);
    }

    private async Task<List<JsonObject>> EntriesAsync(string query) =>
        (await fixture.Admin.GetFromJsonAsync<JsonObject>($"api/audit?{query}"))!["items"]!.AsArray().Select(i => i!.AsObject()).ToList();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
