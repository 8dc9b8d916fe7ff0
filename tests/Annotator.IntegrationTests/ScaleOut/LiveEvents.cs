using Annotator.Testing;
using System.Text.Json.Nodes;

namespace Annotator.IntegrationTests.ScaleOut;

/// <summary>One open <c>GET /api/events</c> stream, read the way a page reads it.</summary>
public sealed class LiveEvents : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private LiveEvents(HttpClient client, HttpResponseMessage response, StreamReader reader) =>
        (_client, _response, _reader) = (client, response, reader);

    public static async Task<LiveEvents> OpenAsync(AnnotatorProcess server)
    {
        var client = server.NewClient(Timeout.InfiniteTimeSpan);
        var response = await client.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new LiveEvents(client, response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>Reads until an <c>image</c> event shows <paramref name="id"/> in <paramref name="state"/>; returns that image.</summary>
    public async Task<JsonObject> WaitForAsync(string id, string state, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string? type = null;
        while (await _reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("event: ")) type = line[7..];
            if (type != "image" || !line.StartsWith("data: ") || !line.Contains(id)) continue;
            var image = JsonNode.Parse(line[6..])!.AsObject();
            if ((string?)image["state"] == state) return image;
        }
        throw new EndOfStreamException("the event stream ended");
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _client.Dispose();
        await Task.CompletedTask;
    }
}
