using Annotator.Processing;
using Annotator.Thumbnails;
using NetVips;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Bench;

/// <summary>
/// One image at a time: the 256 px thumbnail alone (the figure the other tools are measured on) and
/// the whole CreateThumbnail work (1440 px preview + 256 px thumbnail, both WebP).
/// </summary>
[MemoryDiagnoser]
public class ThumbnailBenchmarks
{
    private readonly VipsThumbnailer _thumbnailer = new(Options.Create(new ThumbnailOptions()), new LowPriorityThreads(1), NullLogger<VipsThumbnailer>.Instance);
    private byte[] _photo = [];

    [ParamsSource(nameof(Files))]
    public string File { get; set; } = "";

    public static IEnumerable<string> Files => Photos.Names;

    [GlobalSetup]
    public void Load() => _photo = System.IO.File.ReadAllBytes(Path.Combine(Photos.Folder, File));

    [Benchmark(Description = "256 px thumbnail (WebP)")]
    public int Thumbnail() => Thumbnail256.Make(_photo).Length;

    [Benchmark(Description = "CreateThumbnail set (1440 preview + 256 thumbnail)")]
    public int ThumbnailSet() => _thumbnailer.CreateThumbnailsAsync(new MemoryStream(_photo), 0, CancellationToken.None).GetAwaiter().GetResult().Preview.Bytes.Length;
}
