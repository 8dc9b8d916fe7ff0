namespace Annotator.Server.Api;

/// <summary>
/// Upload buffers delete themselves when their request ends, but not when the process is killed mid-upload;
/// those are removed when a web process starts. Another live process's buffer may be among them: on Linux
/// an open file removed keeps working for whoever holds it, and on Windows it cannot be removed and is kept.
/// </summary>
public static class UploadBuffers
{
    public static void RemoveLeftovers(string folder, ILogger logger)
    {
        if (!Directory.Exists(folder)) return;
        long removed = 0, bytes = 0;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
        {
            try
            {
                var length = file.Length;
                file.Delete();
                removed++;
                bytes += length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* in use; removed next time */ }
        }
        if (removed > 0) logger.LogInformation("Removed {Count} upload buffers ({Bytes:N0} bytes) left by an earlier process", removed, bytes);
    }
}
