using System.Text.Json;
using System.Text.Json.Serialization;
using Annotator.Storage;

namespace Annotator.Exports;

/// <summary>
/// Where exports live: in the object store under <c>exports/</c>, which is shared by every node and never triggers
/// work (only <c>raw/</c> does): <c>exports/{id}.json</c> is the job's progress, rewritten as it moves (writes are
/// atomic), <c>exports/{id}.zip</c> the finished archive, and <c>exports/{id}/…</c> the index lines while it is made.
/// An export is deleted by hand or by <see cref="ExportSweep"/> once its retention has passed.
/// So any node answers for any job, and the web node's own disk holds none of it.
/// </summary>
public sealed class ExportJobs(IObjectStore store)
{
    public const string Prefix = "exports/";

    private const int ReadAttempts = 4;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string StatusKey(string id) => $"{Prefix}{id}.json";

    public static string ArchiveKey(string id) => $"{Prefix}{id}.zip";

    public static string LinesKey(string id, string split) => $"{Prefix}{id}/{split}.jsonl";

    /// <summary>The lines of the images the archive holds, with their files' pixel sizes: what the index is made of.</summary>
    public static string WrittenKey(string id, string split) => $"{Prefix}{id}/{split}.written.jsonl";

    /// <summary>A job id is a UUIDv7's 32 hex digits: nothing else names an export, so no path reaches the store.</summary>
    public static bool IsId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    public static string NewId() => Guid.CreateVersion7().ToString("N");

    public async Task SaveAsync(ExportJob job, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(job, Json));
        await store.PutAsync(StatusKey(job.Id), content, "application/json", cancellationToken);
    }

    public async Task<ExportJob?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsId(id)) return null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var stored = await store.OpenReadAsync(StatusKey(id), cancellationToken);
                return stored is null ? null : await JsonSerializer.DeserializeAsync<ExportJob>(stored.Content, Json, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < ReadAttempts)
            {
                // The progress is rewritten once a second, and a store whose puts are not atomic (the S3 stand-in
                // s3rver writes an object in place; some S3-compatible servers too) can show it half-written: cut
                // JSON, or a body that fails its checksum (the SDK's own exception, which the core cannot name).
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Deletes every object of the export (<c>exports/{id}*</c>), its progress last: a delete that stops half-way leaves
    /// a job that is still found, and deleted again, by hand or by the sweep. Deleting twice (two nodes) is harmless.
    /// </summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsId(id)) return;
        var objects = new List<string>();
        await foreach (var info in store.ListAsync(Prefix + id, cancellationToken))
            if (info.Key != StatusKey(id)) objects.Add(info.Key);
        foreach (var key in objects) await store.DeleteAsync(key, cancellationToken);
        await store.DeleteAsync(StatusKey(id), cancellationToken);
    }
}
