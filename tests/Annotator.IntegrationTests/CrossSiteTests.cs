using System.Net;
using System.Text;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>What another site's page can make a visitor's browser send, and a rebinding DNS name, change nothing.</summary>
public sealed class CrossSiteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Theory]
    [InlineData("cross-site", "https://evil.example")]
    [InlineData("same-site", "https://other.localhost")]
    [InlineData(null, "https://evil.example")] // a browser that sends Origin only
    public async Task A_form_upload_from_another_site_is_refused_and_nothing_is_stored(string? fetchSite, string origin)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(TestData.Distinct("nikon-gps.jpg"))), "file", "x.jpg" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/images") { Content = form };
        request.Headers.Add("Origin", origin);
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(origin, (string?)(await response.ProblemAsync())["detail"]);
        await fixture.AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_no_cors_re_caption_of_everything_from_another_site_is_refused()
    {
        var image = await Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"));
        await Client.WaitUntilFinishedAsync(image.Id());
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/recaptions") { Content = new StringContent("", Encoding.UTF8, "text/plain") };
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("done", (string?)(await Client.GetImageAsync(image.Id()))!["caption"]!["state"]);
        (await Client.DeleteAsync($"api/images/{image.Id()}")).Dispose();
    }

    [Fact]
    public async Task The_pages_own_requests_and_api_clients_are_let_through()
    {
        using var own = new HttpRequestMessage(HttpMethod.Post, "api/recaptions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        own.Headers.Add("Origin", fixture.Server.BaseAddress.GetLeftPart(UriPartial.Authority));
        own.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var fromPage = await Client.SendAsync(own);
        using var fromCurl = await Client.PostAsync("api/recaptions", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, fromPage.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, fromCurl.StatusCode);
    }

    [Fact]
    public async Task A_json_endpoint_refuses_a_body_that_is_not_json()
    {
        using var response = await Client.PostAsync("api/recaptions", new StringContent("q=x", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", (string?)(await response.ProblemAsync())["detail"]);
    }

    [Fact]
    public async Task A_request_for_another_host_name_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/images");
        request.Headers.Host = "attacker.example";

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Pages_are_isolated_from_other_origins()
    {
        using var response = await Client.GetAsync("");

        Assert.Equal("same-origin", response.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Cross-Origin-Resource-Policy").Single());
    }
}
