using System.Net;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

public sealed class UploadPipelineTests : IAsyncLifetime
{
    private AnnotatorProcess _server = null!;

    public async Task InitializeAsync() => _server = await AnnotatorProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_photo_gets_a_thumbnail_and_an_offline_caption()
    {
        var created = await _server.Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"));
        Assert.Equal("nikon-gps.jpg", (string?)created["fileName"]);
        Assert.Equal(640, (int)created["width"]!);

        var image = await _server.Client.WaitUntilFinishedAsync(created.Id());

        Assert.Equal("done", (string?)image["state"]);
        Assert.Equal("offline", (string?)image["caption"]!["provider"]);
        Assert.Contains("NIKON COOLPIX P6000", (string?)image["caption"]!["text"]);
        using var thumbnail = await _server.Client.GetAsync((string)image["thumbnail"]!["url"]!);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_iphone_heic_photo_is_thumbnailed_upright_and_downloadable_as_uploaded()
    {
        var created = await _server.Client.UploadImageAsync(TestData.Image("phone-iphone13.heic"));
        Assert.Equal("image/heic", (string?)created["contentType"]);

        var image = await _server.Client.WaitUntilFinishedAsync(created.Id(), TimeSpan.FromMinutes(2));

        Assert.Equal("done", (string?)image["state"]);
        using var thumbnail = await _server.Client.GetAsync((string)image["thumbnail"]!["url"]!);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
        using var original = await _server.Client.GetAsync((string)image["originalUrl"]!);
        Assert.Equal(await File.ReadAllBytesAsync(TestData.Image("phone-iphone13.heic")), await original.Content.ReadAsByteArrayAsync());
    }
}
