using System.ComponentModel.DataAnnotations;

namespace Annotator.Captioning;

/// <summary><c>Annotator:Captions</c>: which captioner runs and how the image is prepared for it.</summary>
public sealed class CaptionOptions
{
    public const string Section = "Annotator:Captions";

    [Required, AllowedValues("offline", ErrorMessage = "Annotator:Captions:Provider must be 'offline'.")]
    public string Provider { get; set; } = "offline";

    /// <summary>Longest side of the JPEG a captioner receives.</summary>
    [Range(64, 4096, ErrorMessage = "Annotator:Captions:MaxEdge must be between 64 and 4096 pixels.")]
    public int MaxEdge { get; set; } = 1536;

    /// <summary>How many images are captioned at once; 0 means one per processor core.</summary>
    [Range(0, 256, ErrorMessage = "Annotator:Captions:Concurrency must be between 0 and 256.")]
    public int Concurrency { get; set; }
}
