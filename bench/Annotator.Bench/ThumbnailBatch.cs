using System.Diagnostics;
using Annotator.Processing;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Bench;

/// <summary>
/// A batch run: every file once per round, N at a time, for the 256 px thumbnail alone and the whole
/// CreateThumbnail set with each preview format (WebP was the only one before JPEG became the default), the offline describer's
/// pixel sample, and the hash of a stored thumbnail (the backfill's); prints images/s. Files are read into memory first: this measures
/// decoding and encoding, not the disk.
/// </summary>
public static class ThumbnailBatch
{
    public static int Run(int parallel, string[] files)
    {
        if (files.Length == 0) files = Photos.Paths;
        MallocTuning.Apply(); // the server's allocator settings, so the set costs here what it costs there
        var photos = files.Select(File.ReadAllBytes).ToArray();
        var threads = new LowPriorityThreads(parallel);
        VipsThumbnailer Thumbnailer(string format) => new(Options.Create(new ThumbnailOptions { PreviewFormat = format }), threads, NullLogger<VipsThumbnailer>.Instance);
        NetVips.NetVips.Concurrency = 1; // parallelism comes from running images side by side, as the worker does
        // ANNOTATOR_BENCH_ROUNDS: rounds over the files per figure (default: about 200 images).
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("ANNOTATOR_BENCH_ROUNDS"), out var r) && r > 0 ? r : Math.Max(1, 200 / photos.Length);
        // The bare libvips thumbnail is for the formats libvips decodes (a HEIC goes through ImageMagick in the set).
        var forLibvips = photos.Where(LibvipsDecodes).ToArray();
        if (forLibvips.Length > 0)
        {
            Measure("warm-up", parallel, forLibvips, 1, p => Thumbnail256.Make(p));
            Measure("256 px thumbnail", parallel, forLibvips, rounds, p => Thumbnail256.Make(p));
        }
        foreach (var format in new[] { PreviewFormat.Webp, PreviewFormat.Jpeg })
        {
            var thumbnailer = Thumbnailer(format);
            Measure($"set, {format} preview", parallel, photos, rounds, p => thumbnailer.CreateThumbnailsAsync(new MemoryStream(p), 0, CancellationToken.None).GetAwaiter().GetResult());
        }
        // What the caption function decodes for the offline describer: end to end pays it beside the set.
        var sampler = Thumbnailer(PreviewFormat.Jpeg);
        Measure("caption sample, 64 px", parallel, photos, rounds, p => sampler.CreateSampleAsync(new MemoryStream(p), 0, CancellationToken.None).GetAwaiter().GetResult());
        // What HashBackfill pays per image from before V6: its stored thumbnail decoded and hashed.
        var thumbnails = photos.Select(p => sampler.CreateThumbnailsAsync(new MemoryStream(p), 0, CancellationToken.None).GetAwaiter().GetResult().Thumbnail.Bytes).ToArray();
        Measure("stored thumbnail hash", parallel, thumbnails, rounds, t => sampler.HashThumbnailAsync(new MemoryStream(t), CancellationToken.None).GetAwaiter().GetResult());
        return 0;
    }

    private static bool LibvipsDecodes(byte[] photo)
    {
        try
        {
            Thumbnail256.Make(photo); // a HEIC's header loads; its pixels need the HEVC decoder libvips lacks
            return true;
        }
        catch (NetVips.VipsException)
        {
            return false;
        }
    }

    private static void Measure(string name, int parallel, byte[][] photos, int rounds, Action<byte[]> work)
    {
        var jobs = Enumerable.Range(0, rounds).SelectMany(_ => photos).ToArray();
        var clock = Stopwatch.StartNew();
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = parallel }, work);
        clock.Stop();
        Console.WriteLine($"{name,-22} parallel {parallel}: {jobs.Length} images in {clock.Elapsed.TotalSeconds:F2} s = {jobs.Length / clock.Elapsed.TotalSeconds:F1} images/s");
    }
}
