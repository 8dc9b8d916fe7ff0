using System.ComponentModel.DataAnnotations;

namespace Annotator.Thumbnails;

/// <summary><c>Annotator:Thumbnails</c>: sizes and quality of the derived images.</summary>
public sealed class ThumbnailOptions
{
    public const string Section = "Annotator:Thumbnails";

    [Range(16, 1024, ErrorMessage = "Annotator:Thumbnails:Edge must be between 16 and 1024 pixels.")]
    public int Edge { get; set; } = 256;

    [Range(256, 4096, ErrorMessage = "Annotator:Thumbnails:PreviewEdge must be between 256 and 4096 pixels.")]
    public int PreviewEdge { get; set; } = 1440;

    [Range(1, 100, ErrorMessage = "Annotator:Thumbnails:Quality must be between 1 and 100.")]
    public int Quality { get; set; } = 80;

    /// <summary>The large preview's encoding, <see cref="Thumbnails.PreviewFormat.Jpeg"/> or <see cref="Thumbnails.PreviewFormat.Webp"/>.</summary>
    [AllowedValues(Thumbnails.PreviewFormat.Jpeg, Thumbnails.PreviewFormat.Webp, ErrorMessage = "Annotator:Thumbnails:PreviewFormat must be jpeg or webp.")]
    public string PreviewFormat { get; set; } = Thumbnails.PreviewFormat.Jpeg;

    /// <summary>How many images are thumbnailed at once; 0 means one per processor core.</summary>
    [Range(0, 64, ErrorMessage = "Annotator:Thumbnails:Concurrency must be between 0 and 64.")]
    public int Concurrency { get; set; }

    /// <summary>
    /// The longest one image may take to decode and resize; past it the work ends failed with the reason.
    /// Ordinary photos take well under a second, a 100-megapixel PNG a few seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Annotator:Thumbnails:Timeout must be between 00:00:01 and 01:00:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(1);
}
