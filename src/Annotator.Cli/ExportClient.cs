using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Annotator.Cli;

/// <summary>An export as the server reports it (<c>GET /api/exports/{id}</c>).</summary>
public sealed record ExportStatus(string Id, string Format, string State, long Total, long Done, long Skipped, long? SizeBytes, string? Error, string? DownloadUrl);

/// <summary>
/// <c>annotator export</c> against the API: starts an export, follows its progress until the server says done or
/// failed, and downloads the archive into <c>{output}.part</c>, moved to its name only once whole and of the size the
/// server announced, so a download that stops or fails never leaves a file that looks like a finished export.
/// </summary>
public sealed class ExportClient(HttpClient http)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The started export, or the server's one-line reason it was not started (and whether asking again later may work).</summary>
    public async Task<(ExportStatus? Job, string? Problem, bool Busy)> StartAsync(JsonObject body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync("api/exports", JsonContent.Create(body), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.Accepted) return (JsonSerializer.Deserialize<ExportStatus>(text, Json), null, false);
        return (null, $"the server answered {(int)response.StatusCode}: {ApiClient.Detail(text) ?? response.ReasonPhrase}",
            response.StatusCode == HttpStatusCode.ServiceUnavailable);
    }

    /// <summary>Asks for the export's progress until it has ended; <paramref name="progress"/> hears each answer.</summary>
    public async Task<ExportStatus> FollowAsync(string id, Action<ExportStatus> progress, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = JsonSerializer.Deserialize<ExportStatus>(await http.GetStringAsync($"api/exports/{id}", cancellationToken), Json)!;
            progress(job);
            if (job.State != "running") return job;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Downloads a finished export to <paramref name="output"/>; <paramref name="progress"/> hears of each block of bytes.</summary>
    public async Task DownloadAsync(ExportStatus job, string output, Action<long> progress, CancellationToken cancellationToken)
    {
        var part = output + ".part";
        try
        {
            using var response = await http.GetAsync(job.DownloadUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"the download answered {(int)response.StatusCode}: {ApiClient.Detail(await response.Content.ReadAsStringAsync(cancellationToken))}");
            await using (var source = await response.Content.ReadAsStreamAsync(cancellationToken))
            await using (var target = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    progress(read);
                }
            }
            var length = new FileInfo(part).Length;
            if (job.SizeBytes is { } size && length != size) throw new HttpRequestException($"the download ended after {length} of {size} bytes");
            File.Move(part, output);
        }
        catch
        {
            File.Delete(part);
            throw;
        }
    }
}
