using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;
using Annotator.Thumbnails;

namespace Annotator.Exports;

/// <summary>
/// Makes one export, streamed end to end: nothing of the set is held in memory or written to a local disk. The first
/// pass pages through the catalog and streams each split's index lines to the object store
/// (<see cref="ExportJobs.LinesKey"/>); the second streams the ZIP archive to the store while reading those lines back:
/// each image's original (or a resized JPEG) from the store into its entry, and the line of each image it wrote, with
/// the file's pixel size, to <see cref="ExportJobs.WrittenKey"/>; then the format's index from those. So the archive's
/// images and its index always agree, even while the catalog changes.
/// </summary>
public sealed class ExportWriter(IImageCatalog catalog, IObjectStore store, IThumbnailer thumbnailer, ExportJobs jobs, TimeProvider time)
{
    private const int Page = 200;

    public async Task<ExportJob> RunAsync(ExportJob job, ExportRequest request, CancellationToken cancellationToken)
    {
        var progress = new ExportProgress(job, jobs, time);
        var splits = request.Split.Used.ToList();
        try
        {
            foreach (var split in splits)
                await PutStreamedAsync(ExportJobs.LinesKey(job.Id, split), "application/x-ndjson",
                    output => WriteLinesAsync(output, request, split, progress, cancellationToken), cancellationToken);
            await PutStreamedAsync(ExportJobs.ArchiveKey(job.Id), "application/zip",
                output => WriteArchiveAsync(output, job, request, splits, progress, cancellationToken), cancellationToken);
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
            foreach (var split in splits)
            {
                await store.DeleteAsync(ExportJobs.LinesKey(job.Id, split), CancellationToken.None);
                await store.DeleteAsync(ExportJobs.WrittenKey(job.Id, split), CancellationToken.None);
            }
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
    private async Task WriteLinesAsync(Stream output, ExportRequest request, string split, ExportProgress progress, CancellationToken cancellationToken)
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
                await WriteLineAsync(output, line, cancellationToken);
            }
            cursor = page.Next;
            await progress.BeatAsync(cancellationToken);
        } while (cursor is not null);
    }

    private static async Task WriteLineAsync(Stream output, ExportLine line, CancellationToken cancellationToken)
    {
        await JsonSerializer.SerializeAsync(output, line, ExportLine.Json, cancellationToken);
        output.WriteByte((byte)'\n');
    }

    private async Task WriteArchiveAsync(
        Stream output, ExportJob job, ExportRequest request, IReadOnlyList<string> splits, ExportProgress progress, CancellationToken cancellationToken)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
        var id = job.Id;
        switch (request.Format)
        {
            case ExportFormat.ImageFolder:
                foreach (var split in splits)
                {
                    await WriteImagesAsync(zip, id, split, $"{split}/", request, progress, cancellationToken);
                    await WriteEntryAsync(zip, $"{split}/metadata.jsonl",
                        entry => WriteJsonLinesAsync(entry, Written(id, [split], cancellationToken), "", full: false));
                }
                break;
            case ExportFormat.Jsonl or ExportFormat.Csv:
                foreach (var split in splits) await WriteImagesAsync(zip, id, split, "images/", request, progress, cancellationToken);
                if (request.Format == ExportFormat.Csv)
                    await WriteEntryAsync(zip, "data.csv", entry => CsvIndex.WriteAsync(entry, Written(id, splits, cancellationToken), "images/", cancellationToken));
                else
                    await WriteEntryAsync(zip, "data.jsonl", entry => WriteJsonLinesAsync(entry, Written(id, splits, cancellationToken), "images/", full: true));
                break;
            case ExportFormat.Coco:
                long next = 1; // COCO ids are integers: numbered in archive order, so unique across the export's splits
                foreach (var split in splits)
                {
                    await WriteImagesAsync(zip, id, split, $"{split}/", request, progress, cancellationToken);
                    await WriteEntryAsync(zip, $"annotations/captions_{split}.json", async entry =>
                        next = await CocoCaptions.WriteAsync(entry, split, () => Written(id, [split], cancellationToken), next, job.CreatedAt, cancellationToken));
                }
                break;
            case ExportFormat.Llava:
                foreach (var split in splits)
                {
                    await WriteImagesAsync(zip, id, split, $"{split}/", request, progress, cancellationToken);
                    await WriteEntryAsync(zip, $"{split}.json", entry => LlavaConversations.WriteAsync(entry, $"{split}/", Written(id, [split], cancellationToken), cancellationToken));
                }
                break;
            case ExportFormat.WebDataset:
                foreach (var split in splits)
                    await WebDatasetShards.WriteAsync(zip, split, ReadLinesAsync(ExportJobs.LinesKey(id, split), cancellationToken),
                        (line, token) => OpenImageAsync(line, request.MaxEdge, token), request.ShardSamples, progress, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// The images of <paramref name="split"/> into <paramref name="folder"/>, and the line of each one written, with the
    /// file's pixel size, into the split's written lines (streamed to the store beside the archive), which the index is made of.
    /// </summary>
    private Task WriteImagesAsync(
        ZipArchive zip, string id, string split, string folder, ExportRequest request, ExportProgress progress, CancellationToken cancellationToken) =>
        PutStreamedAsync(ExportJobs.WrittenKey(id, split), "application/x-ndjson", async written =>
        {
            await foreach (var line in ReadLinesAsync(ExportJobs.LinesKey(id, split), cancellationToken))
            {
                await using var image = await OpenImageAsync(line, request.MaxEdge, cancellationToken);
                if (image is null) // deleted between the passes: left out of the index too
                {
                    await progress.SkipAsync(cancellationToken);
                    continue;
                }
                // Images are compressed already: stored, not deflated again.
                var entry = zip.CreateEntry(folder + line.FileName, CompressionLevel.NoCompression);
                await using (var target = entry.Open()) await image.Content.CopyToAsync(target, cancellationToken);
                await WriteLineAsync(written, line with { Width = image.Width, Height = image.Height }, cancellationToken);
                await progress.WrittenAsync(cancellationToken);
            }
        }, cancellationToken);

    /// <summary>The image of <paramref name="line"/> as the archive holds it (the original, or a JPEG copy), or null when it is gone.</summary>
    private async Task<ExportImage?> OpenImageAsync(ExportLine line, int? maxEdge, CancellationToken cancellationToken)
    {
        var stored = await store.OpenReadAsync(ObjectKeys.Raw(Catalog.Sql.ImageRow.ParseId(line.Id), Enum.Parse<ImageFormat>(line.Format)), cancellationToken);
        if (stored is null) return null;
        if (maxEdge is null) return new ExportImage(stored.Content, stored.Length, line.Width, line.Height);
        await using (stored)
        {
            var copy = await thumbnailer.CreateCaptionImageAsync(stored.Content, (long)line.Width * line.Height, maxEdge.Value, cancellationToken);
            return new ExportImage(new MemoryStream(copy.Bytes, writable: false), copy.Bytes.Length, copy.Width, copy.Height);
        }
    }

    private static async Task WriteEntryAsync(ZipArchive zip, string name, Func<Stream, Task> write)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var stream = entry.Open();
        await write(stream);
    }

    private static async Task WriteJsonLinesAsync(Stream output, IAsyncEnumerable<ExportLine> lines, string folder, bool full)
    {
        await using var text = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        await foreach (var line in lines)
        {
            await text.WriteAsync(line.Flat(folder + line.FileName, full).ToJsonString(ExportLine.Json));
            await text.WriteAsync('\n');
        }
    }

    /// <summary>The lines of what the archive holds, split after split.</summary>
    private async IAsyncEnumerable<ExportLine> Written(
        string id, IReadOnlyList<string> splits, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var split in splits)
            await foreach (var line in ReadLinesAsync(ExportJobs.WrittenKey(id, split), cancellationToken))
                yield return line;
    }

    private async IAsyncEnumerable<ExportLine> ReadLinesAsync(string key, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stored = await store.OpenReadAsync(key, cancellationToken)
            ?? throw new InvalidOperationException($"the export's lines {key} are gone");
        using var reader = new StreamReader(stored.Content, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 } text)
            yield return JsonSerializer.Deserialize<ExportLine>(text, ExportLine.Json)!;
    }
}
