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
    public async Task An_iphone_heic_photo_is_thumbnailed_captioned_with_its_camera_and_date_and_downloadable_as_uploaded()
    {
        var created = await _server.Client.UploadImageAsync(TestData.Image("phone-iphone13.heic"));
        Assert.Equal("image/heic", (string?)created["contentType"]);
        Assert.Equal("Apple iPhone 13 Pro Max", (string?)created["exif"]!["camera"]);
        Assert.Equal("2022-02-16T12:55:41", (string?)created["exif"]!["takenAt"]);
        Assert.Equal(1, (int)created["frames"]!);
        Assert.False((bool)created["animated"]!);

        var image = await _server.Client.WaitUntilFinishedAsync(created.Id(), TimeSpan.FromMinutes(2));

        Assert.Equal("done", (string?)image["state"]);
        Assert.Contains("taken with an Apple iPhone 13 Pro Max on 16 February 2022", (string?)image["caption"]!["text"]);
        using var thumbnail = await _server.Client.GetAsync((string)image["thumbnail"]!["url"]!);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
        using var original = await _server.Client.GetAsync((string)image["originalUrl"]!);
        Assert.Equal(await File.ReadAllBytesAsync(TestData.Image("phone-iphone13.heic")), await original.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("animated.gif", "image/gif", 3)]
    [InlineData("anim-squares.webp", "image/webp", 9)]
    [InlineData("animated.png", "image/png", 3)]
    public async Task An_animated_image_says_how_many_frames_it_has_keeps_the_first_as_its_preview_and_plays_as_uploaded(string file, string type, int frames)
    {
        var created = await _server.Client.UploadImageAsync(TestData.Image(file));
        Assert.True((bool)created["animated"]!);
        Assert.Equal(frames, (int)created["frames"]!);

        var image = await _server.Client.WaitUntilFinishedAsync(created.Id());

        Assert.Equal("done", (string?)image["state"]);
        Assert.Equal(frames, (int)image["frames"]!);
        using var preview = await _server.Client.GetAsync((string)image["thumbnail"]!["previewUrl"]!);
        var previewBytes = await preview.Content.ReadAsByteArrayAsync();
        Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
        Assert.True(previewBytes.AsSpan().StartsWith((byte[])[0xFF, 0xD8, 0xFF]), "the preview is not a JPEG (a still image: JPEG cannot animate)");
        using var original = await _server.Client.GetAsync((string)image["originalUrl"]!);
        Assert.Equal(type, original.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(TestData.Image(file)), await original.Content.ReadAsByteArrayAsync());
    }
}
