using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Annotator.Cli;

/// <summary>
/// What the server answered for one file: stored (its image id), already there (the same bytes were uploaded before,
/// by anyone: that image's id), or refused with the server's reason.
/// </summary>
public sealed record UploadOutcome(string? ImageId, string? Refusal, bool AlreadyThere = false);

/// <summary>
/// The REST API as the import uses it, with a token. An upload the server refuses (4xx: not an image, too large,
/// damaged…) is an answer; one it cannot take now (429, 503, 5xx, a dropped connection) is sent again after its
/// Retry-After or a growing pause, a few times, before the import stops.
/// </summary>
public sealed class ApiClient(HttpClient http)
{
    private const int Attempts = 6;

    public static HttpClient Create(Uri server, string token) => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = server,
        Timeout = TimeSpan.FromMinutes(10),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };

    /// <summary>Who the token belongs to, or the one line saying why it cannot be used for <paramref name="right"/>.</summary>
    public async Task<(string? UserId, string? Problem)> WhoAmIAsync(string right, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("api/auth/me", cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized) return (null, "the server refused the token (401): check --token or ANNOTATOR_TOKEN");
            if (!response.IsSuccessStatusCode) return (null, $"the server answered {(int)response.StatusCode} to GET /api/auth/me");
            var me = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            var rights = me["rights"]?.AsArray().Select(r => (string?)r).ToList() ?? [];
            return rights.Contains(right) ? ((string?)me["id"], null) : (null, $"the token has no '{right}' right: make one with the {right} scope");
        }
        catch (HttpRequestException e)
        {
            return (null, $"the server at {http.BaseAddress} could not be reached: {e.Message}");
        }
    }

    public async Task<UploadOutcome> UploadAsync(ImportFile file, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan wait;
            Stream content;
            try
            {
                content = await file.OpenAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Gone or unreadable since it was listed: that file's answer, not the import's end.
                return new UploadOutcome(null, $"could not be read: {e.Message}");
            }
            try
            {
                await using var _ = content;
                using var form = new MultipartFormDataContent();
                var part = new StreamContent(content);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(part, "file", file.Name);
                using var response = await http.PostAsync("api/images", form, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.Created) return new UploadOutcome((string?)JsonNode.Parse(body)!["id"], null);
                if (response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(body) is { } known && known["duplicateOf"] is not null)
                    return new UploadOutcome((string?)known["id"], null, AlreadyThere: true);
                var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500;
                if (!retryable) return new UploadOutcome(null, $"{(int)response.StatusCode}: {Detail(body) ?? response.ReasonPhrase}");
                if (attempt == Attempts) throw new HttpRequestException($"{file.Path}: the server answered {(int)response.StatusCode} {attempt} times: {Detail(body)}");
                wait = response.Headers.RetryAfter?.Delta ?? Backoff(attempt);
            }
            catch (HttpRequestException) when (attempt < Attempts)
            {
                wait = Backoff(attempt);
            }
            await Task.Delay(wait, cancellationToken);
        }
    }

    /// <summary>
    /// The image this account already uploaded as <paramref name="file"/> (same name, same size), or null: how a
    /// resumed import tells an upload that arrived just before the interruption from one that did not.
    /// </summary>
    public async Task<string?> FindUploadedAsync(ImportFile file, CancellationToken cancellationToken)
    {
        var query = $"api/images?mine=true&limit=200&q={Uri.EscapeDataString(Path.GetFileNameWithoutExtension(file.Name))}";
        var page = JsonNode.Parse(await http.GetStringAsync(query, cancellationToken))!;
        return page["items"]!.AsArray()
            .Where(i => (string?)i!["fileName"] == file.Name && (long?)i["sizeBytes"] == file.Length)
            .Select(i => (string?)i!["id"]).FirstOrDefault();
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt - 1)));

    internal static string? Detail(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["detail"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
