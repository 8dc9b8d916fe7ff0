using System.Net;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>
/// <c>Annotator:Thumbnails:PreviewFormat</c> changed on a server that already has images: the previews made before
/// keep their format and are still served and deleted; new ones come in the new format.
/// </summary>
public sealed class PreviewFormatTests
{
    [Fact]
    public async Task Previews_made_as_WebP_are_still_served_and_deleted_after_the_default_becomes_JPEG()
    {
        var data = Directory.CreateTempSubdirectory("annotator-preview-format-").FullName;
        try
        {
            string before;
            await using (var webp = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Thumbnails:PreviewFormat"] = "webp" }, data))
            {
                before = (await webp.Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
                Assert.Equal("done", (string?)(await webp.Client.WaitUntilFinishedAsync(before))["state"]);
            }

            await using var jpeg = await AnnotatorProcess.StartAsync(dataDirectory: data);
            var after = (await jpeg.Client.UploadImageAsync(TestData.Distinct("phone-jolla.jpg"))).Id();
            Assert.Equal("done", (string?)(await jpeg.Client.WaitUntilFinishedAsync(after))["state"]);
            var thumbnails = Path.Combine(data, "objects", "thumbnails");
            Assert.Equal(new[] { $"{before}.preview.webp", $"{before}.webp", $"{after}.preview.jpg", $"{after}.webp" }.Order(StringComparer.Ordinal),
                Directory.GetFiles(thumbnails).Select(Path.GetFileName).Order(StringComparer.Ordinal));

            foreach (var (id, type, magic) in new[] { (before, "image/webp", "RIFF"u8.ToArray()), (after, "image/jpeg", [0xFF, 0xD8, 0xFF]) })
            {
                using var preview = await jpeg.Client.GetAsync($"api/images/{id}/preview");
                Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
                Assert.Equal(type, preview.Content.Headers.ContentType?.MediaType);
                Assert.True((await preview.Content.ReadAsByteArrayAsync()).AsSpan().StartsWith(magic), $"the preview of {id} is not {type}");
            }

            foreach (var id in new[] { before, after })
                Assert.Equal(HttpStatusCode.NoContent, (await jpeg.Client.DeleteAsync($"api/images/{id}")).StatusCode);
            Assert.Empty(Directory.GetFiles(thumbnails));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
