using System.ComponentModel.DataAnnotations;

namespace Annotator;

/// <summary><c>Annotator</c>: settings that are not one adapter's.</summary>
public sealed class AnnotatorOptions
{
    public const string Section = "Annotator";

    /// <summary>The folder for the embedded shape's database, objects and upload buffers.</summary>
    [Required(ErrorMessage = "Annotator:DataDirectory must name a folder.")]
    public string DataDirectory { get; set; } = "data";

    /// <summary>all (web and workers in one process), web (HTTP only) or worker (functions only).</summary>
    [AllowedValues("all", "web", "worker", ErrorMessage = "Annotator:Role (--role) must be all, web or worker.")]
    public string Role { get; set; } = "all";

    public bool RunsWeb => Role is "all" or "web";

    public bool RunsWorkers => Role is "all" or "worker";
}
