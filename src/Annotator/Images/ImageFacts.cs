namespace Annotator.Images;

/// <summary>
/// Facts read from an image at upload, from its metadata (EXIF, else XMP) and its structure (frames): what a
/// person wants to know about a photo, and what the offline describer can say without a model. Every field is optional.
/// </summary>
public sealed record ImageFacts
{
    public static readonly ImageFacts None = new();

    /// <summary>EXIF orientation 1–8; 5–8 swap width and height when shown.</summary>
    public int Orientation { get; init; } = 1;
    public string? CameraMake { get; init; }
    public string? CameraModel { get; init; }
    public string? Lens { get; init; }
    /// <summary>Local date and time the photo was taken, as the camera recorded it (EXIF has no zone).</summary>
    public DateTime? TakenAt { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public string? ExposureTime { get; init; }
    public double? FNumber { get; init; }
    public int? Iso { get; init; }
    public double? FocalLength { get; init; }

    /// <summary>Frames counted by the upload's structural check (GIF, WebP and APNG animations); 1 for a still image.</summary>
    public int Frames { get; init; } = 1;

    public bool Animated => Frames > 1;

    public bool SwapsDimensions => Orientation is >= 5 and <= 8;

    /// <summary>"Canon EOS 1300D", without the make repeated when the model already names it.</summary>
    public string? Camera => (CameraMake, CameraModel) switch
    {
        (null, null) => null,
        (null, var model) => model,
        (var make, null) => make,
        var (make, model) when model.StartsWith(make.Split(' ')[0], StringComparison.OrdinalIgnoreCase) => model,
        var (make, model) => $"{make} {model}",
    };
}
