using System.Net;
using System.Net.Http.Headers;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Access;

/// <summary>Guessing is slowed down: per address, per account, and for bad API tokens, with 429 and Retry-After.</summary>
public sealed class BruteForceTests
{
    [Fact]
    public async Task Past_the_sign_ins_per_minute_an_address_gets_429_with_retry_after()
    {
        // No account, so the test helper's own start-up sign-in does not use one of the three.
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string>
        {
            ["Annotator:Auth:AdminUser"] = "",
            ["Annotator:Auth:SignInsPerMinute"] = "3",
        });
        using var guesser = AccessApi.SessionClient(server.BaseAddress);
        for (var attempt = 1; attempt <= 3; attempt++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.LoginAsync("admin", $"guess number {attempt}")).StatusCode);

        using var fourth = await guesser.LoginAsync("admin", "guess number 4");

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        AssertRetryAfter(fourth, maxSeconds: 60);
        await fourth.ProblemAsync();
    }

    [Fact]
    public async Task After_the_failures_an_account_allows_its_right_password_waits_while_other_accounts_sign_in()
    {
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Auth:FailedSignInsPerAccount"] = "3" });
        const string password = "a long enough password";
        await server.Client.AddUserAsync("victim", password, "viewer");
        await server.Client.AddUserAsync("bystander", password, "viewer");
        using var guesser = AccessApi.SessionClient(server.BaseAddress);
        for (var attempt = 1; attempt <= 3; attempt++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.LoginAsync("victim", $"guess number {attempt}")).StatusCode);

        using var right = await AccessApi.SessionClient(server.BaseAddress).LoginAsync("victim", password);
        using var differentCase = await AccessApi.SessionClient(server.BaseAddress).LoginAsync("VICTIM", password);
        using var other = await AccessApi.SessionClient(server.BaseAddress).LoginAsync("bystander", password);

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        AssertRetryAfter(right, maxSeconds: 15 * 60);
        Assert.Equal(HttpStatusCode.TooManyRequests, differentCase.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Past_the_failed_tokens_per_minute_bad_tokens_from_an_address_get_429_and_good_ones_still_work()
    {
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Auth:FailedTokensPerMinute"] = "3" });
        using var guesser = server.Anonymous();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/images");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"ann_guess{attempt}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SendAsync(request)).StatusCode);
        }

        using var fourth = new HttpRequestMessage(HttpMethod.Get, "api/images");
        fourth.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "ann_guess4");
        using var response = await guesser.SendAsync(fourth);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        AssertRetryAfter(response, maxSeconds: 60);
        await response.ProblemAsync();
        // A good token from the same address still works: behind a proxy, every client shares one address.
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("api/images")).StatusCode);
    }

    private static void AssertRetryAfter(HttpResponseMessage response, int maxSeconds)
    {
        var seconds = response.Headers.RetryAfter?.Delta?.TotalSeconds;
        Assert.NotNull(seconds);
        Assert.InRange(seconds.Value, 1, maxSeconds);
    }
}
