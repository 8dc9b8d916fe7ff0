using Annotator.Images;

namespace Annotator.Captioning;

/// <summary>
/// What a captioner sees: a JPEG already decoded, oriented, converted to sRGB and downscaled
/// (longest side <see cref="CaptionOptions.MaxEdge"/>), its size, and the original's metadata facts.
/// </summary>
public sealed record CaptionRequest(ReadOnlyMemory<byte> Jpeg, int Width, int Height, ImageFacts Facts, string FileName);
