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

    [Range(1, 10_000, ErrorMessage = "Annotator:Uploads:MaxFilesPerRequest must be between 1 and 10000.")]
    public int MaxFilesPerRequest { get; set; } = 100;

    /// <summary>Where uploads larger than a small memory buffer wait while they are checked; defaults to <c>{DataDirectory}/uploads</c>.</summary>
    public string TempDirectory { get; set; } = "";
}
