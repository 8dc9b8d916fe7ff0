using System.ComponentModel.DataAnnotations;

namespace Annotator.Processing;

/// <summary><c>Annotator:Work</c>: how long a function's claim on an image lasts without renewal.</summary>
public sealed class WorkOptions
{
    public const string Section = "Annotator:Work";

    /// <summary>
    /// A node that dies holds its images this long before another takes them; a live one renews at a third of it.
    /// Short enough that a crash costs little, long enough that a pause in the database does not steal live work.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Annotator:Work:LeaseDuration must be between 00:00:01 and 01:00:00.")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);
}
