using System.ComponentModel.DataAnnotations;

namespace Annotator.Uploads;

/// <summary><c>Annotator:Uploads</c>: what an upload may be.</summary>
public sealed class UploadOptions
{
    public const string Section = "Annotator:Uploads";

    [Range(1, long.MaxValue, ErrorMessage = "Annotator:Uploads:MaxFileBytes must be a positive number of bytes.")]
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    [Range(1, long.MaxValue, ErrorMessage = "Annotator:Uploads:MaxPixels must be a positive number of pixels.")]
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>
    /// Memory one image may need at once to decode. Only images that cannot be decoded in strips come near it
    /// (see <see cref="Images.ImageHeader.WholeImageBytes"/>): a 100 MP progressive JPEG in full colour needs 600 MB.
    /// </summary>
    [Range(1, long.MaxValue, ErrorMessage = "Annotator:Uploads:MaxDecodeBytes must be a positive number of bytes.")]
    public long MaxDecodeBytes { get; set; } = 400_000_000;

    [Range(1, 10_000, ErrorMessage = "Annotator:Uploads:MaxFilesPerRequest must be between 1 and 10000.")]
    public int MaxFilesPerRequest { get; set; } = 100;

    /// <summary>Upload requests in progress at once; more get a 503 with Retry-After rather than a share of the disk and memory.</summary>
    [Range(1, 10_000, ErrorMessage = "Annotator:Uploads:MaxConcurrent must be between 1 and 10000.")]
    public int MaxConcurrent { get; set; } = 64;

    /// <summary>The longest one upload request may take; a client that stalls is answered 408 and its connection closed.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00", ErrorMessage = "Annotator:Uploads:Timeout must be between 00:00:05 and 1.00:00:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The slowest a request body may arrive, on average, after a 10-second grace period (Kestrel's own
    /// default, 240 B/s, lets one 50 MB upload hold its connection and temp file for 58 hours).
    /// </summary>
    [Range(1, 100_000_000, ErrorMessage = "Annotator:Uploads:MinBytesPerSecond must be between 1 and 100000000.")]
    public int MinBytesPerSecond { get; set; } = 8 * 1024;

    /// <summary>Free bytes the upload buffers' and the objects' disks keep; below it uploads get a 507 before the disk fills.</summary>
    [Range(0, long.MaxValue, ErrorMessage = "Annotator:Uploads:MinFreeDiskBytes must be a number of bytes, 0 or more.")]
    public long MinFreeDiskBytes { get; set; } = 1L << 30;

    /// <summary>Where uploads larger than a small memory buffer wait while they are checked; defaults to <c>{DataDirectory}/uploads</c>.</summary>
    public string TempDirectory { get; set; } = "";
}
