using Annotator.Captioning.Models;

namespace Annotator.Captioning.Gemini;

/// <summary><c>Annotator:Captions:Gemini</c>: the Gemini REST API. The key comes from GEMINI_API_KEY or GEMINI_API_KEY_FILE.</summary>
public sealed class GeminiOptions : ModelProviderOptions
{
    public const string PublicBaseUrl = "https://generativelanguage.googleapis.com/v1beta/";

    public GeminiOptions()
    {
        BaseUrl = PublicBaseUrl;
        // The alias Google keeps pointing at its current Flash model; each caption records the model
        // version that really answered (the reply's modelVersion).
        Model = "gemini-flash-latest";
        Concurrency = 8;
    }

    public override string Name => "gemini";

    public override string SectionName => "Gemini";

    /// <summary>Sent as generationConfig.thinkingConfig.thinkingLevel when set ("minimal", "low"); empty leaves the model's default.</summary>
    public string ThinkingLevel { get; set; } = "";
}
