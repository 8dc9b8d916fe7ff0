using System.Runtime.InteropServices;

namespace Annotator.Thumbnails;

/// <summary>
/// libvips allocates large, short-lived pixel buffers from many threads. With glibc's defaults the
/// threshold above which a buffer gets its own mapping rises as big buffers are freed, so later ones
/// come from the heap arenas and fragment them, and resident memory grows far past what is in use.
/// A fixed threshold returns every large buffer to the system when freed. Call it first thing.
/// </summary>
public static partial class MallocTuning
{
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h

    public static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { _ = MallOpt(MmapThreshold, 256 * 1024); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* not glibc (musl): nothing to tune */ }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
