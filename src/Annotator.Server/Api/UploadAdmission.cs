using Annotator.Storage.FileSystem;
using Annotator.Uploads;
using Microsoft.Extensions.Options;

namespace Annotator.Server.Api;

/// <summary>
/// Decides whether an upload may start: at most <see cref="UploadOptions.MaxConcurrent"/> at once (each holds
/// a connection, a memory buffer and a temp file), and only while the disks it writes to keep
/// <see cref="UploadOptions.MinFreeDiskBytes"/> free, so a full disk is a clear 507 and not a half-written file.
/// </summary>
public sealed class UploadAdmission(IOptions<UploadOptions> uploads, IOptions<FileSystemStorageOptions> objects)
{
    private readonly SemaphoreSlim _slots = new(uploads.Value.MaxConcurrent, uploads.Value.MaxConcurrent);

    /// <summary>A slot to dispose when the upload ends, or null when as many uploads as allowed are in progress.</summary>
    public IDisposable? TryEnter() => _slots.Wait(0) ? new Slot(_slots) : null;

    /// <summary>Why there is no room for another upload, or null when there is.</summary>
    public string? DiskProblem()
    {
        var keep = uploads.Value.MinFreeDiskBytes;
        if (keep == 0) return null;
        // The buffers' folder always; the objects' folder when they are kept on this machine (its root is empty otherwise).
        foreach (var folder in new[] { uploads.Value.TempDirectory, objects.Value.Root })
        {
            if (string.IsNullOrEmpty(folder)) continue;
            var free = FreeBytes(folder);
            if (free < keep)
                return $"the server's disk is nearly full ({free >> 20:N0} MB free, {keep >> 20:N0} MB kept free by Annotator:Uploads:MinFreeDiskBytes): try again once space is made";
        }
        return null;
    }

    /// <summary>ENOSPC on Linux and macOS, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    public static bool IsDiskFull(IOException e) => e.HResult is 28 or unchecked((int)0x80070070) or unchecked((int)0x80070027);

    private static long FreeBytes(string folder)
    {
        // The folder may not exist yet; its nearest existing parent is on the same disk.
        var dir = new DirectoryInfo(Path.GetFullPath(folder));
        while (dir is { Exists: false, Parent: { } parent }) dir = parent;
        return new DriveInfo(dir.FullName).AvailableFreeSpace;
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
