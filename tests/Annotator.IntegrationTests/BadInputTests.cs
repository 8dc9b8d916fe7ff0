using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>Every kind of bad upload gets a 4xx problem that says what is wrong, and leaves no object and no row.</summary>
public sealed class BadInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Theory]
    [InlineData("empty.jpg", 400, "empty")]
    [InlineData("text-renamed.jpg", 415, "text")]
    [InlineData("html-renamed.jpg", 415, "HTML")]
    [InlineData("zip-renamed.jpg", 415, "ZIP")]
    [InlineData("script.svg", 415, "SVG")]
    [InlineData("truncated.jpg", 422, "truncated")]
    [InlineData("corrupt.png", 422, "checksum")]
    [InlineData("truncated.png", 422, "truncated")]
    [InlineData("bomb-60000x60000.png", 422, "60000")]
    [InlineData("huge-dimensions.jpg", 422, "65500")]
    [InlineData("bomb-65535x65535.gif", 422, "65535")]
    public async Task A_bad_file_is_refused_with_a_reason_and_nothing_is_stored(string file, int status, string reasonMentions)
    {
        using var response = await Client.UploadAsync(TestData.Bad(file));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Contains(reasonMentions, (string?)problem["detail"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains(file, (string?)problem["detail"]);
        await fixture.AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_file_over_the_byte_limit_is_refused_while_it_streams()
    {
        // The fixture's server allows 3 MB per file; large-kleiber-20mp.jpg is 4.4 MB.
        using var response = await Client.UploadAsync(TestData.Distinct("large-kleiber-20mp.jpg"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("large-kleiber-20mp.jpg: the file is larger than the 3 MB limit", (string?)(await response.ProblemAsync())["detail"]);
        await fixture.AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_request_without_a_file_is_a_clear_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("hello"), "note" } };
        using var response = await Client.PostAsync("api/images", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no file", (string?)(await response.ProblemAsync())["detail"]);
    }

    [Fact]
    public async Task A_request_that_is_not_multipart_is_a_clear_415()
    {
        using var response = await Client.PostAsync("api/images", new ByteArrayContent(File.ReadAllBytes(TestData.Distinct("nikon-gps.jpg")))
        {
            Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") },
        });

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("multipart/form-data", (string?)(await response.ProblemAsync())["detail"]);
    }

    [Theory]
    [InlineData("api/images/not-an-id", 404)]
    [InlineData("api/images/01939a2b-0000-7000-8000-000000000000", 404)]
    [InlineData("api/images/01939a2b-0000-7000-8000-000000000000/original", 404)]
    [InlineData("api/images/01939a2b-0000-7000-8000-000000000000/thumbnail", 404)]
    [InlineData("api/images?cursor=garbage", 400)]
    [InlineData("api/images?limit=0", 400)]
    [InlineData("api/images?limit=100000", 400)]
    [InlineData("api/images?state=sleeping", 400)]
    public async Task Unknown_ids_and_bad_parameters_are_clear_4xx(string url, int status)
    {
        using var response = await Client.GetAsync(url);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((string?)(await response.ProblemAsync())["detail"]));
    }

    [Fact]
    public async Task Several_files_get_one_result_each()
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(File.ReadAllBytes(TestData.Distinct("nikon-gps.jpg"))), "files", "good.jpg");
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("just some text")), "files", "bad.jpg");
        using var response = await Client.PostAsync("api/images", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.Equal(201, (int)results[0]!["status"]!);
        Assert.Equal("good.jpg", (string?)results[0]!["image"]!["fileName"]);
        Assert.Equal(415, (int)results[1]!["status"]!);
        Assert.Contains("text", (string?)results[1]!["problem"]!["detail"]);
        var id = (string)results[0]!["image"]!["id"]!;
        await Client.WaitUntilFinishedAsync(id);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"api/images/{id}")).StatusCode);
    }
}
