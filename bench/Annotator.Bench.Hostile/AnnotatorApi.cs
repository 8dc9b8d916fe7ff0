using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Annotator.Bench.Hostile;

/// <summary>What the server answered to one upload, and how long it took to answer.</summary>
public sealed record Upload(int Status, string? Id, string? Detail, TimeSpan Answer);

/// <summary>
/// The three calls the bench makes, as any API client makes them: POST /api/images (multipart field
/// <c>file</c>), GET /api/images/{id}, and polling that until the image is <c>done</c> or <c>failed</c>.
/// </summary>
public sealed class AnnotatorApi(Uri baseAddress) : IDisposable
{
    // Often enough that "processing s" is the server's time to within the poll, rarely enough to cost it nothing.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };

    public async Task<Upload> UploadAsync(string fileName, byte[] bytes, CancellationToken cancellationToken)
    {
        using var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var form = new MultipartFormDataContent { { file, "file", fileName } };
        var clock = Stopwatch.StartNew();
        using var response = await _http.PostAsync("api/images", form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        clock.Stop();
        var json = Parse(body);
        return new Upload((int)response.StatusCode, (string?)json?["id"], (string?)json?["detail"], clock.Elapsed);
    }

    public async Task<JsonObject> GetImageAsync(string id, CancellationToken cancellationToken) =>
        Parse(await _http.GetStringAsync($"api/images/{id}", cancellationToken))
        ?? throw new InvalidDataException($"GET /api/images/{id} answered no JSON object");

    /// <summary>Polls until the image's state is final (done or failed) and returns it.</summary>
    public async Task<JsonObject> WaitFinalAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var image = await GetImageAsync(id, cancellationToken);
            if (IsFinal(image)) return image;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    public static bool IsFinal(JsonObject image) => (string?)image["state"] is "done" or "failed";

    private static JsonObject? Parse(string body)
    {
        try { return JsonNode.Parse(body) as JsonObject; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    public void Dispose() => _http.Dispose();
}
