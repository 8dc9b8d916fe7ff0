using Microsoft.Extensions.Logging;

namespace Annotator.Captioning;

/// <summary>
/// Tries each captioner in turn (<c>Annotator:Captions:Provider</c>, then <c>Fallback</c>) until one answers. A
/// caption made by a fallback records why the ones before it failed. The chain's first members fail fast
/// while their circuit is open, so an outage switches to the fallback at once instead of pausing.
/// </summary>
public sealed class FallbackCaptioner(IReadOnlyList<ICaptioner> chain, ILogger logger) : ICaptioner
{
    public string Provider => chain[0].Provider;

    public string Model => chain[0].Model;

    /// <summary>A JPEG as soon as any captioner of the chain needs one (the offline describer can analyse a JPEG too).</summary>
    public CaptionInput Input => chain.All(c => c.Input == CaptionInput.Pixels) ? CaptionInput.Pixels : CaptionInput.Jpeg;

    public async Task<Caption> CaptionAsync(CaptionRequest request, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        for (var i = 0; ; i++)
        {
            try
            {
                var caption = await chain[i].CaptionAsync(request, cancellationToken);
                return reasons.Count == 0 ? caption : caption with { FallbackReason = string.Join("; ", reasons) };
            }
            catch (CaptionFailedException e) when (i < chain.Count - 1)
            {
                logger.LogInformation("{Provider} could not caption {File} ({Reason}); falling back to {Next}",
                    chain[i].Provider, request.FileName, e.Message, chain[i + 1].Provider);
                reasons.Add($"{chain[i].Provider}: {e.Message}");
            }
        }
    }
}
