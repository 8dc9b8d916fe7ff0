namespace Annotator.Captioning;

/// <summary>
/// The captioning port: a downscaled JPEG of the image, or a sample of its pixels (<see cref="Input"/>), plus its facts
/// in, a caption and tags out.
/// Adapters are made by their <see cref="ICaptionProvider"/>: the offline describer (default) here, the model
/// providers in Annotator.Captioning.Models.
/// </summary>
public interface ICaptioner
{
    /// <summary>The provider name recorded with each caption ("offline", "gemini", ...).</summary>
    string Provider { get; }

    /// <summary>The model recorded with each caption.</summary>
    string Model { get; }

    /// <summary>What the request must hold: a JPEG (every model) or only a pixel sample (the offline describer).</summary>
    CaptionInput Input => CaptionInput.Jpeg;

    /// <summary>
    /// Captions one image. Throws <see cref="CaptionFailedException"/> with a reason a person can act on;
    /// any other exception is treated as unexpected.
    /// </summary>
    Task<Caption> CaptionAsync(CaptionRequest request, CancellationToken cancellationToken);
}
