using Microsoft.Extensions.Logging;
using NetVips;

namespace Annotator.Thumbnails;

/// <summary>Process-wide libvips settings, applied once before the first image.</summary>
internal static class VipsSetup
{
    private static int _done;

    public static void Apply(ILogger logger)
    {
        if (Interlocked.Exchange(ref _done, 1) == 1) return;
        // One thread per image: images are processed side by side on LowPriorityThreads, one per core,
        // so libvips' own worker threads would only add switching and malloc arenas (memory).
        NetVips.NetVips.Concurrency = 1;
        // Every image is decoded once; libvips' operation cache would only hold memory.
        Cache.Max = 0;
        Cache.MaxMem = 0;
        Cache.MaxFiles = 0;
        // Only the loaders for formats the upload checks accept may ever run: no SVG, PDF, ImageMagick...
        NetVips.NetVips.BlockUntrusted = true;
        foreach (var loader in new[] { "VipsForeignLoadSvg", "VipsForeignLoadPdf", "VipsForeignLoadMagick", "VipsForeignLoadMat", "VipsForeignLoadFits", "VipsForeignLoadVips", "VipsForeignLoadCsv", "VipsForeignLoadMatrix", "VipsForeignLoadPpm", "VipsForeignLoadRad", "VipsForeignLoadAnalyze", "VipsForeignLoadOpenslide", "VipsForeignLoadJp2k", "VipsForeignLoadJxl" })
            Operation.Block(loader, true);
        // libvips logs decoder warnings to stderr; they belong in our log, where the failure reason is reported anyway.
        Log.SetLogHandler("VIPS", Enums.LogLevelFlags.Warning | Enums.LogLevelFlags.Message | Enums.LogLevelFlags.Info,
            (domain, level, message) => logger.LogDebug("libvips: {Message}", message));
    }
}
