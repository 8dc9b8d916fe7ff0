using System.Runtime.InteropServices;

namespace Annotator.Thumbnails;

/// <summary>
/// libvips allocates large, short-lived pixel buffers from many threads, and glibc's defaults serve them badly both ways.
/// Its dynamic threshold, above which a buffer gets a mapping of its own, rises to the largest buffer freed (32 MB), so a
/// 20 MP photo's buffers come from the heap arenas, fragment them, and resident memory grows far past what is in use. A
/// fixed threshold stops that, but it also fixes the trim threshold at 128 KB: every arena then gives its top back after
/// each image and faults it in, zeroed, for the next. At 256 KB that was 3,500 page faults and 16 ms of kernel time per
/// 2 MP photo, a fifth of its whole cost. So: buffers up to a whole preview's (1440 px, 4 bands, 8.3 MB) and the
/// encoders' come from the arenas and are reused; only larger ones are mapped; and an arena keeps up to 64 MB free
/// before it trims. Measured (bench/RESULTS.md): the kernel time per image halves, for 80–100 MB more resident memory
/// with 20 MP photos in the mix, which stays flat over thousands of photos. Call it first thing.
/// </summary>
public static partial class MallocTuning
{
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD in malloc.h
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD

    public static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = MallOpt(MmapThreshold, 16 * 1024 * 1024);
            _ = MallOpt(TrimThreshold, 64 * 1024 * 1024);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* not glibc (musl): nothing to tune */ }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
