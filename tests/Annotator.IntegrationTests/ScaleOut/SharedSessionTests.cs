using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests.ScaleOut;

/// <summary>
/// Two web nodes behind one load balancer share nothing but the servers: a browser's session made on one works on the
/// other (the Data Protection key ring and the sessions are in the catalog), survives a restart of both, and ends on
/// both when it signs out on either (on the other within its recheck interval).
/// </summary>
public sealed class SharedSessionTests
{
    [ServicesFact("ANNOTATOR_TEST_POSTGRES")]
    public async Task A_session_made_on_one_web_node_works_on_another_on_postgresql()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await SignInOnOneActOnAnotherAsync(database.Settings);
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL")]
    public async Task A_session_made_on_one_web_node_works_on_another_on_mariadb()
    {
        await using var database = await MySqlDatabase.CreateAsync();
        await SignInOnOneActOnAnotherAsync(database.Settings);
    }

    private static async Task SignInOnOneActOnAnotherAsync(Dictionary<string, string> catalog)
    {
        foreach (var (key, value) in await TestServices.NewBucketAsync()) catalog[key] = value;
        var one = await AnnotatorProcess.StartAsync(catalog, arguments: ["--role", "web"]);
        var other = await AnnotatorProcess.StartAsync(catalog, arguments: ["--role", "web"]);
        string cookie;
        await using (one)
        await using (other)
        {
            // An editor made by the admin on one node signs in on it...
            await one.Client.AddUserAsync("eve", "a long enough password", "editor");
            var jar = new CookieContainer();
            using (var signIn = AccessApi.SessionClient(one.BaseAddress, jar))
                await signIn.SignInAsync("eve", "a long enough password");
            cookie = jar.GetCookies(one.BaseAddress)["annotator.session"]?.Value ?? throw new InvalidOperationException("no session cookie was set");

            // ...and the next request, sent to the other node, is hers: she uploads there, as herself.
            using var there = WithCookie(other.BaseAddress, cookie);
            Assert.Equal("eve", (string?)(await there.GetFromJsonAsync<JsonObject>("api/auth/me"))!["userName"]);
            var image = await there.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"));
            Assert.Equal("eve", (string?)image["uploadedBy"]!["userName"]);
        }

        // Both nodes restarted (a redeploy): the session still holds.
        await using var again = await AnnotatorProcess.StartAsync(catalog, arguments: ["--role", "web"]);
        await using var alsoAgain = await AnnotatorProcess.StartAsync(catalog, arguments: ["--role", "web"]);
        using var afterRestart = WithCookie(again.BaseAddress, cookie);
        Assert.Equal(HttpStatusCode.OK, (await afterRestart.GetAsync("api/auth/me")).StatusCode);

        // Signed out on one node: the cookie is worth nothing there at once, and on the other node once it looks again
        // (Annotator:Auth:RecheckInterval, 5 s: it trusted the session it had just found until then).
        using (var signOut = WithCookie(alsoAgain.BaseAddress, cookie))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await signOut.PostAsync("api/auth/logout", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await signOut.GetAsync("api/auth/me")).StatusCode);
        }
        using var replayed = WithCookie(again.BaseAddress, cookie);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        HttpStatusCode status;
        while ((status = (await replayed.GetAsync("api/auth/me")).StatusCode) == HttpStatusCode.OK && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private static HttpClient WithCookie(Uri address, string cookie)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("Cookie", $"annotator.session={cookie}");
        return client;
    }
}
