using System.ComponentModel.DataAnnotations;

namespace Annotator.Exports;

/// <summary><c>Annotator:Exports</c>: how long a finished export is kept before <see cref="ExportSweep"/> deletes it.</summary>
public sealed class ExportOptions
{
    public const string Section = "Annotator:Exports";

    /// <summary>
    /// Counted from the end (done or failed): an archive is as large as the images it holds, so a store that keeps
    /// every export fills up; a week leaves time to download it, and the same export can always be made again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00", ErrorMessage = "Annotator:Exports:Retention must be between 00:00:01 and 3650.00:00:00.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}
