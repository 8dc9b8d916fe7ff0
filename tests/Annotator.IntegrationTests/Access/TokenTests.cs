using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Access;

/// <summary>
/// Personal API tokens: the secret is shown once, a revoked one is refused, one can do no more than its maker (now),
/// its last use is shown, and someone else's token is invisible to a non-admin.
/// </summary>
public sealed class TokenTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private Uri BaseAddress => fixture.Server.BaseAddress;

    [Fact]
    public async Task The_secret_is_shown_once_and_never_listed()
    {
        var (_, editor) = await fixture.Admin.SignedInAsAsync(BaseAddress, "editor");
        using var created = await editor.PostAsJsonAsync("api/tokens", new { name = "backup script", scopes = new[] { "read", "upload" }, expiresInDays = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var secret = (string)token["token"]!;
        Assert.StartsWith("ann_", secret);
        Assert.Equal(["read", "upload"], token["scopes"]!.AsArray().Select(s => (string)s!).ToArray());
        // Thirty days from now: the clock of this machine is the server's.
        var expiresAt = DateTimeOffset.Parse((string)token["expiresAt"]!);
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddDays(30).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30).AddMinutes(5));

        var list = await editor.GetStringAsync("api/tokens");
        var all = await fixture.Admin.GetStringAsync("api/tokens?all=true");

        Assert.Contains((string)token["id"]!, list);
        Assert.Contains("backup script", list);
        Assert.DoesNotContain(secret, list);
        Assert.DoesNotContain(secret["ann_".Length..], list);
        Assert.DoesNotContain(secret, all);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(366)]
    [InlineData(-1)]
    [InlineData(null)]
    public async Task An_expiry_outside_1_to_365_days_is_refused(int? days)
    {
        using var response = await fixture.Admin.PostAsJsonAsync("api/tokens", new { name = "x", scopes = new[] { "read" }, expiresInDays = days });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expiresInDays", (string?)(await response.ProblemAsync())["detail"]);
    }

    [Fact]
    public async Task A_year_is_the_longest_a_token_lives()
    {
        using var response = await fixture.Admin.PostAsJsonAsync("api/tokens", new { name = "yearly", scopes = new[] { "read" }, expiresInDays = 365 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var expiresAt = DateTimeOffset.Parse((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["expiresAt"]!);
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddDays(365).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(365).AddMinutes(5));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_with_401()
    {
        var (_, editor) = await fixture.Admin.SignedInAsAsync(BaseAddress, "editor");
        using var created = await editor.PostAsJsonAsync("api/tokens", new { name = "soon gone", scopes = new[] { "read" }, expiresInDays = 1 });
        var token = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        using var script = AccessApi.ClientWith(BaseAddress, (string)token["token"]!);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("api/images")).StatusCode);

        using var revoke = await editor.DeleteAsync($"api/tokens/{token["id"]}");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var after = await script.GetAsync("api/images");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("invalid_token", after.Headers.WwwAuthenticate.Single().Parameter?.Split('"')[1]);
        Assert.DoesNotContain((string)token["id"]!, await editor.GetStringAsync("api/tokens"));
    }

    [Theory]
    [InlineData("viewer", "upload")]
    [InlineData("viewer", "write")]
    [InlineData("editor", "admin")]
    public async Task A_token_cannot_have_a_scope_its_makers_role_lacks(string role, string scope)
    {
        var (_, maker) = await fixture.Admin.SignedInAsAsync(BaseAddress, role);

        using var response = await maker.PostAsJsonAsync("api/tokens", new { name = "too much", scopes = new[] { "read", scope }, expiresInDays = 1 });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(scope, (string?)(await response.ProblemAsync())["detail"]);
        Assert.Equal("[]", await maker.GetStringAsync("api/tokens"));
    }

    [Fact]
    public async Task A_token_can_do_only_what_its_owners_role_allows_now()
    {
        var (id, editor) = await fixture.Admin.SignedInAsAsync(BaseAddress, "editor");
        using var script = AccessApi.ClientWith(BaseAddress, await editor.MakeTokenAsync(["read", "write"]));
        var retry = $"api/images/{AccessMatrix.AnyImage}/retry";
        Assert.Equal(HttpStatusCode.NotFound, (await script.PostAsync(retry, null)).StatusCode);

        (await fixture.Admin.PatchAsJsonAsync($"api/users/{id}", new { role = "viewer" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Forbidden, (await script.PostAsync(retry, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("api/images")).StatusCode);
        var me = (await script.GetFromJsonAsync<JsonObject>("api/auth/me"))!;
        Assert.Equal("token", (string?)me["via"]);
        Assert.Equal(["read"], me["rights"]!.AsArray().Select(r => (string)r!).ToArray());
    }

    [Fact]
    public async Task When_a_token_was_last_used_is_listed()
    {
        var (_, editor) = await fixture.Admin.SignedInAsAsync(BaseAddress, "editor");
        using var script = AccessApi.ClientWith(BaseAddress, await editor.MakeTokenAsync(["read"], "cron"));
        var before = Assert.Single((await editor.GetFromJsonAsync<JsonArray>("api/tokens"))!)!;
        Assert.Null(before["lastUsedAt"]);

        (await script.GetAsync("api/images")).EnsureSuccessStatusCode();

        var after = Assert.Single((await editor.GetFromJsonAsync<JsonArray>("api/tokens"))!)!;
        var lastUsed = DateTimeOffset.Parse((string)after["lastUsedAt"]!);
        Assert.InRange(lastUsed, DateTimeOffset.Parse((string)after["createdAt"]!), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Someone_elses_token_is_not_found_by_a_non_admin_and_an_admin_sees_and_revokes_everyones()
    {
        var (_, alice) = await fixture.Admin.SignedInAsAsync(BaseAddress, "editor", $"alice-{Guid.NewGuid():N}"[..16]);
        var (_, bob) = await fixture.Admin.SignedInAsAsync(BaseAddress, "editor");
        using var created = await alice.PostAsJsonAsync("api/tokens", new { name = "alice's", scopes = new[] { "read" }, expiresInDays = 1 });
        var id = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        Assert.DoesNotContain(id, await bob.GetStringAsync("api/tokens"));
        using var bobsAll = await bob.GetAsync("api/tokens?all=true");
        Assert.Equal(HttpStatusCode.Forbidden, bobsAll.StatusCode);
        using var bobsRevoke = await bob.DeleteAsync($"api/tokens/{id}");
        Assert.Equal(HttpStatusCode.NotFound, bobsRevoke.StatusCode);
        Assert.Contains(id, await alice.GetStringAsync("api/tokens"));

        var everyones = (await fixture.Admin.GetFromJsonAsync<JsonArray>("api/tokens?all=true"))!;
        var listed = Assert.Single(everyones, t => (string?)t!["id"] == id)!;
        Assert.StartsWith("alice-", (string?)listed["userName"]);
        Assert.DoesNotContain(id, await fixture.Admin.GetStringAsync("api/tokens"));
        using var adminsRevoke = await fixture.Admin.DeleteAsync($"api/tokens/{id}");
        Assert.Equal(HttpStatusCode.NoContent, adminsRevoke.StatusCode);
        Assert.DoesNotContain(id, await alice.GetStringAsync("api/tokens"));
    }
}
