using System.Globalization;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;
using Annotator.Thumbnails;
using CsvHelper;

namespace Annotator.Exports;

/// <summary>
/// Makes one export, streamed end to end: nothing of the set is held in memory or written to a local disk. The first
/// pass pages through the catalog and streams each split's index lines to the object store
/// (<see cref="ExportJobs.LinesKey"/>); the second streams the ZIP archive to the store while reading those lines back:
/// each image's original (or a resized JPEG) from the store into its entry, then the format's index. The lines decide
/// what the archive holds, so its images and its index always agree, even while the catalog changes.
/// </summary>
public sealed class ExportWriter(IImageCatalog catalog, IObjectStore store, IThumbnailer thumbnailer, ExportJobs jobs, TimeProvider time)
{
    private const int Page = 200;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public async Task<ExportJob> RunAsync(ExportJob job, ExportRequest request, CancellationToken cancellationToken)
    {
        var progress = new Progress(job, jobs, time);
        var splits = request.Split.Used.ToList();
        try
        {
            foreach (var split in splits)
                await PutStreamedAsync(ExportJobs.LinesKey(job.Id, split), "application/x-ndjson",
                    output => WriteLinesAsync(output, request, split, progress, cancellationToken), cancellationToken);
            await PutStreamedAsync(ExportJobs.ArchiveKey(job.Id), "application/zip",
                output => WriteArchiveAsync(output, job.Id, request, splits, progress, cancellationToken), cancellationToken);
            await using var archive = await store.OpenReadAsync(ExportJobs.ArchiveKey(job.Id), cancellationToken);
            return await progress.FinishAsync(ExportState.Done, null, archive?.Length, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var reason = cancellationToken.IsCancellationRequested ? "the server stopped before it was done; start the export again" : e.Message;
            return await progress.FinishAsync(ExportState.Failed, reason, null, CancellationToken.None);
        }
        finally
        {
            foreach (var split in splits) await store.DeleteAsync(ExportJobs.LinesKey(job.Id, split), CancellationToken.None);
        }
    }

    /// <summary>
    /// Streams what <paramref name="write"/> writes into the object under <paramref name="key"/> through a pipe of
    /// bounded size. A failure on either side fails both, and the store then keeps no object (its writes are atomic).
    /// </summary>
    private async Task PutStreamedAsync(string key, string contentType, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var writing = Task.Run(async () =>
        {
            try
            {
                await using (var output = pipe.Writer.AsStream(leaveOpen: true)) await write(output);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                throw;
            }
        }, cancellationToken);
        var putting = Task.Run(async () =>
        {
            try
            {
                await using (var input = pipe.Reader.AsStream(leaveOpen: true)) await store.PutAsync(key, input, contentType, cancellationToken);
                await pipe.Reader.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Reader.CompleteAsync(e);
                throw;
            }
        }, cancellationToken);
        await Task.WhenAll(writing, putting);
    }

    /// <summary>The index lines of the images in <paramref name="split"/>, newest first, a catalog page at a time.</summary>
    private async Task WriteLinesAsync(Stream output, ExportRequest request, string split, Progress progress, CancellationToken cancellationToken)
    {
        var extension = request.MaxEdge is null ? null : ".jpg";
        ImageId? cursor = null;
        do
        {
            var page = await catalog.ListAsync(new ImageQuery(cursor, Page, request.Search, null, Review: request.Review), cancellationToken);
            foreach (var image in page.Items.Where(i => request.Split.Of(i.Id) == split))
            {
                if (ExportLine.Of(image, split, extension ?? image.Format.Extension(), request.Metadata) is not { } line)
                {
                    await progress.SkipAsync(cancellationToken);
                    continue;
                }
                await JsonSerializer.SerializeAsync(output, line, ExportLine.Json, cancellationToken);
                output.WriteByte((byte)'\n');
            }
            cursor = page.Next;
            await progress.BeatAsync(cancellationToken);
        } while (cursor is not null);
    }

    private async Task WriteArchiveAsync(
        Stream output, string id, ExportRequest request, IReadOnlyList<string> splits, Progress progress, CancellationToken cancellationToken)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
        var missing = new HashSet<string>(); // images deleted between the passes: left out of the index too
        if (request.Format == ExportFormat.ImageFolder)
        {
            foreach (var split in splits)
            {
                await WriteImagesAsync(zip, id, [split], $"{split}/", request, missing, progress, cancellationToken);
                await WriteIndexAsync(zip, $"{split}/metadata.jsonl", id, [split], request.Format, missing, cancellationToken);
            }
            return;
        }
        await WriteImagesAsync(zip, id, splits, "images/", request, missing, progress, cancellationToken);
        await WriteIndexAsync(zip, request.Format == ExportFormat.Csv ? "data.csv" : "data.jsonl", id, splits, request.Format, missing, cancellationToken);
    }

    private async Task WriteImagesAsync(
        ZipArchive zip, string id, IReadOnlyList<string> splits, string folder, ExportRequest request, HashSet<string> missing,
        Progress progress, CancellationToken cancellationToken)
    {
        await foreach (var line in ReadLinesAsync(id, splits, cancellationToken))
        {
            var format = Enum.Parse<ImageFormat>(line.Format);
            await using var original = await store.OpenReadAsync(ObjectKeys.Raw(ImageRow(line.Id), format), cancellationToken);
            if (original is null)
            {
                missing.Add(line.Id);
                await progress.SkipAsync(cancellationToken);
                continue;
            }
            // Images are compressed already: stored, not deflated again.
            var entry = zip.CreateEntry(folder + line.FileName, CompressionLevel.NoCompression);
            await using (var target = entry.Open())
            {
                if (request.MaxEdge is { } maxEdge)
                {
                    var pixels = await PixelsAsync(line.Id, cancellationToken);
                    var copy = await thumbnailer.CreateCaptionImageAsync(original.Content, pixels, maxEdge, cancellationToken);
                    await target.WriteAsync(copy.Bytes, cancellationToken);
                }
                else
                {
                    await original.Content.CopyToAsync(target, cancellationToken);
                }
            }
            await progress.WrittenAsync(cancellationToken);
        }
    }

    private async Task<long> PixelsAsync(string id, CancellationToken cancellationToken) =>
        await catalog.GetAsync(ImageRow(id), cancellationToken) is { } image ? (long)image.Width * image.Height : 0;

    private async Task WriteIndexAsync(
        ZipArchive zip, string name, string id, IReadOnlyList<string> splits, ExportFormat format, HashSet<string> missing, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var stream = entry.Open();
        await using var text = new StreamWriter(stream, new UTF8Encoding(false));
        var folder = format == ExportFormat.ImageFolder ? "" : "images/";
        if (format == ExportFormat.Csv)
        {
            await using var csv = CsvWriter.Create(text, null, leaveOpen: true);
            string[] columns = ["file_name", "text", "tags", "id", "split", "review"];
            string[]? header = null;
            await foreach (var line in ReadLinesAsync(id, splits, cancellationToken))
            {
                if (missing.Contains(line.Id)) continue;
                if (header is null)
                {
                    // Every line of one export has metadata or none: the first says which columns there are.
                    header = line.Metadata is null ? columns : [.. columns, .. ExportLine.MetadataNames];
                    await csv.WriteRecordAsync(header, cancellationToken);
                }
                var flat = line.Flat(folder + line.FileName, full: true);
                await csv.WriteRecordAsync(
                    [.. header.Select(column => column == "tags" ? string.Join("; ", line.Tags) : flat[column] is { } value ? Plain(value) : "")],
                    cancellationToken);
            }
            if (header is null) await csv.WriteRecordAsync(columns, cancellationToken);
            await csv.FlushAsync(cancellationToken);
            return;
        }
        await foreach (var line in ReadLinesAsync(id, splits, cancellationToken))
        {
            if (missing.Contains(line.Id)) continue;
            await text.WriteAsync(line.Flat(folder + line.FileName, full: format != ExportFormat.ImageFolder).ToJsonString(ExportLine.Json));
            await text.WriteAsync('\n');
        }
    }

    /// <summary>A JSON value as CSV text: a string as it is, a number or time as JSON writes it.</summary>
    private static string Plain(System.Text.Json.Nodes.JsonNode value) =>
        value is System.Text.Json.Nodes.JsonValue plain && plain.GetValueKind() == JsonValueKind.String && plain.TryGetValue<string>(out var text)
            ? text
            : value.GetValueKind() == JsonValueKind.String ? value.ToJsonString().Trim('"') : value.ToJsonString();

    private async IAsyncEnumerable<ExportLine> ReadLinesAsync(
        string id, IReadOnlyList<string> splits, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var split in splits)
        {
            await using var stored = await store.OpenReadAsync(ExportJobs.LinesKey(id, split), cancellationToken)
                ?? throw new InvalidOperationException($"the {split} index of export {id} is gone");
            using var reader = new StreamReader(stored.Content, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 } text)
                yield return JsonSerializer.Deserialize<ExportLine>(text, ExportLine.Json)!;
        }
    }

    private static ImageId ImageRow(string id) => Catalog.Sql.ImageRow.ParseId(id);

    /// <summary>The job's counts, written to the store at most once a second (and at the end): every node's progress bar reads them.</summary>
    private sealed class Progress(ExportJob job, ExportJobs jobs, TimeProvider time)
    {
        private ExportJob _job = job;
        private DateTimeOffset _saved = time.GetUtcNow();

        public Task WrittenAsync(CancellationToken cancellationToken)
        {
            _job = _job with { Done = _job.Done + 1 };
            return SaveSoonAsync(cancellationToken);
        }

        public Task SkipAsync(CancellationToken cancellationToken)
        {
            _job = _job with { Skipped = _job.Skipped + 1 };
            return SaveSoonAsync(cancellationToken);
        }

        /// <summary>Still working (the heartbeat every node reads), while no image is written yet.</summary>
        public Task BeatAsync(CancellationToken cancellationToken) => SaveSoonAsync(cancellationToken);

        private async Task SaveSoonAsync(CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            if (now - _saved < ProgressInterval) return;
            _saved = now;
            await jobs.SaveAsync(_job = _job with { Heartbeat = now }, cancellationToken);
        }

        public async Task<ExportJob> FinishAsync(ExportState state, string? error, long? size, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            _job = _job with { State = state, Error = error, SizeBytes = size, Heartbeat = now, FinishedAt = now };
            await jobs.SaveAsync(_job, cancellationToken);
            return _job;
        }
    }
}
