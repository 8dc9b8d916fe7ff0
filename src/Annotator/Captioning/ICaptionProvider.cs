namespace Annotator.Captioning;

/// <summary>
/// A caption provider as the core knows it: each adapter registers one (an <see cref="ICaptionProvider"/> singleton),
/// binds its own settings section <c>Annotator:Captions:{Name}</c>, and makes its captioners. <see cref="Captioners"/>
/// and the start-up checks of <c>Annotator:Captions</c> enumerate the registered providers, in registration order.
/// </summary>
public interface ICaptionProvider
{
    /// <summary>The name in settings, the API and the catalog ("offline").</summary>
    string Name { get; }

    /// <summary>The model a caption gets when it names none; null when none is configured.</summary>
    string? DefaultModel { get; }

    /// <summary>Captions in flight that keep it busy: its concurrency limit.</summary>
    int Concurrency { get; }

    /// <summary>Its circuit, for <c>GET /api/captioners</c>: "closed" (captioning), "open" (paused) or "half-open" (probing).</summary>
    string Circuit { get; }

    /// <summary>Why this server cannot use it (no key, no model), or null when it can.</summary>
    string? Unavailable();

    /// <summary>
    /// Why a re-caption cannot ask it for <paramref name="model"/>, or null. The name has already passed the rules
    /// every provider shares (characters, length).
    /// </summary>
    string? ModelProblem(string model);

    /// <summary>
    /// Start-up: what it lacks to caption as <paramref name="setting"/> chose it ("Annotator:Captions:Provider is gemini"),
    /// one sentence per mistake, each starting with <paramref name="setting"/>.
    /// </summary>
    IEnumerable<string> ChainMistakes(string setting);

    /// <summary>Start-up: what is wrong in its own section, whether the chain names it or not; one sentence per mistake.</summary>
    IEnumerable<string> SettingMistakes();

    /// <summary>
    /// A captioner with <paramref name="model"/> (null: <see cref="DefaultModel"/>). While its circuit is open it waits
    /// (<paramref name="pauseWhileOpen"/>), or fails at once so a fallback can answer.
    /// </summary>
    ICaptioner Create(string? model, bool pauseWhileOpen);
}
