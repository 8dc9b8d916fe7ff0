using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Annotator.Exports;

/// <summary>
/// A split as WebDataset tar shards, <c>{split}-000000.tar</c>, <c>{split}-000001.tar</c>…, each an entry of the export's
/// ZIP, stored as it is. A sample is three adjacent files named by its key (the image's id): <c>{key}.jpg</c> (or the
/// original's extension), <c>{key}.txt</c> (the caption) and <c>{key}.json</c> (its line: text, tags, id, split, review,
/// width, height and the metadata). A shard ends after <c>samplesPerShard</c> samples or once it passes
/// <see cref="MaxShardBytes"/>, so a reader can spread shards over workers. POSIX ustar, which every tar reader takes.
/// </summary>
internal static class WebDatasetShards
{
    /// <summary>WebDataset's advice is shards of a few hundred MB to a few GB: big enough to read fast, small enough to spread.</summary>
    public const long MaxShardBytes = 1L << 30;

    public static async Task WriteAsync(
        ZipArchive zip, string split, IAsyncEnumerable<ExportLine> lines, Func<ExportLine, CancellationToken, Task<ExportImage?>> open,
        int samplesPerShard, ExportProgress progress, CancellationToken cancellationToken)
    {
        var shard = 0;
        Stream? entry = null;
        TarWriter? tar = null;
        var samples = 0;
        long bytes = 0;
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            await using var image = await open(line, cancellationToken);
            if (image is null) // deleted since the first pass
            {
                await progress.SkipAsync(cancellationToken);
                continue;
            }
            if (tar is null || samples == samplesPerShard || bytes >= MaxShardBytes)
            {
                await CloseAsync(tar, entry);
                // Images are compressed already: the shard is stored, not deflated again.
                entry = zip.CreateEntry($"{split}-{shard++:D6}.tar", CompressionLevel.NoCompression).Open();
                tar = new TarWriter(entry, TarEntryFormat.Ustar, leaveOpen: true);
                (samples, bytes) = (0, 0);
            }
            var text = Encoding.UTF8.GetBytes(line.Text);
            var flat = line.Flat(line.FileName, full: true);
            flat["width"] = image.Width;
            flat["height"] = image.Height;
            var json = Encoding.UTF8.GetBytes(flat.ToJsonString(ExportLine.Json));
            await AddAsync(tar, line.FileName, image.Content, cancellationToken);
            await AddAsync(tar, line.Id + ".txt", new MemoryStream(text), cancellationToken);
            await AddAsync(tar, line.Id + ".json", new MemoryStream(json), cancellationToken);
            samples++;
            bytes += image.Length + text.Length + json.Length;
            await progress.WrittenAsync(cancellationToken);
        }
        await CloseAsync(tar, entry);
    }

    private static Task AddAsync(TarWriter tar, string name, Stream content, CancellationToken cancellationToken) =>
        tar.WriteEntryAsync(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = content }, cancellationToken);

    /// <summary>Ends the shard (the tar's two zero blocks) and its ZIP entry.</summary>
    private static async Task CloseAsync(TarWriter? tar, Stream? entry)
    {
        if (tar is not null) await tar.DisposeAsync();
        if (entry is not null) await entry.DisposeAsync();
    }
}
