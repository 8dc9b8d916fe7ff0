using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Annotator.Testing;

/// <summary>What tests do with the REST API, written once: upload files, read images, wait for states.</summary>
public static class ImageApi
{
    public static async Task<HttpResponseMessage> UploadAsync(this HttpClient client, string path, string? fileName = null, string field = "file")
    {
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(File.OpenRead(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, field, fileName ?? Path.GetFileName(path));
        return await client.PostAsync("api/images", form);
    }

    public static async Task<JsonObject> UploadImageAsync(this HttpClient client, string path, string? fileName = null)
    {
        using var response = await client.UploadAsync(path, fileName);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201) throw new InvalidOperationException($"Upload of {path} gave {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonObject?> GetImageAsync(this HttpClient client, string id)
    {
        using var response = await client.GetAsync($"api/images/{id}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Polls until the image's overall state is final (done or failed), or throws after <paramref name="timeout"/>.</summary>
    public static async Task<JsonObject> WaitUntilFinishedAsync(this HttpClient client, string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var image = await client.GetImageAsync(id) ?? throw new InvalidOperationException($"Image {id} disappeared");
            if ((string?)image["state"] is "done" or "failed") return image;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Image {id} still {image["state"]} after the timeout: {image.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    public static string Id(this JsonObject image) => (string)image["id"]!;

    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
