namespace Annotator.Captioning;

/// <summary>
/// What a captioner looks at. A model needs a downscaled JPEG (<see cref="CaptionOptions.MaxEdge"/>); the offline describer
/// measures proportions, for which a <see cref="Thumbnails.PixelSample"/> is plenty, and a sample costs a fraction of a
/// JPEG to make: decoded at its size (a JPEG at 1/8 scale), nothing encoded, nothing decoded again.
/// </summary>
public enum CaptionInput
{
    Jpeg,
    Pixels,
}
