using Annotator.Images;
using Annotator.Thumbnails;

namespace Annotator.Captioning;

/// <summary>
/// What a captioner sees: a JPEG already decoded, oriented, converted to sRGB and downscaled (longest side
/// <see cref="CaptionOptions.MaxEdge"/>) and its size; or, for a captioner whose <see cref="ICaptioner.Input"/> is
/// <see cref="CaptionInput.Pixels"/>, an empty JPEG, the image's size as shown and a <see cref="Sample"/> of its pixels.
/// With them, the original's metadata facts.
/// </summary>
public sealed record CaptionRequest(ReadOnlyMemory<byte> Jpeg, int Width, int Height, ImageFacts Facts, string FileName)
{
    public PixelSample? Sample { get; init; }
}
