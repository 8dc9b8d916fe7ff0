namespace Annotator.Captioning.Models;

/// <summary>
/// The common part of the model adapters: one call per <see cref="AttemptAsync"/> (throwing
/// <see cref="ProviderException"/> on failure), run through the provider's <see cref="CaptionResilience"/>
/// pipeline for its section. Instances are cheap and made per caption by their <see cref="ModelCaptionProvider{TOptions, TCaptioner}"/>.
/// </summary>
public abstract class ModelCaptioner(ModelProviderOptions section, CaptionResilience resilience) : ICaptioner
{
    public string Provider => section.Name;

    public string Model { get; private set; } = section.Model;

    /// <summary>Wait while the provider's circuit is open (true), or fail at once so a fallback answers (false).</summary>
    public bool PauseWhileOpen { get; private set; } = true;

    /// <summary>How messages name the provider ("Gemini", "Ollama at localhost:11434").</summary>
    public abstract string DisplayName { get; }

    /// <summary>Uses another model than the configured one, and chooses what happens while the circuit is open.</summary>
    public ModelCaptioner Using(string? model, bool pauseWhileOpen = true)
    {
        if (!string.IsNullOrWhiteSpace(model)) Model = model;
        PauseWhileOpen = pauseWhileOpen;
        return this;
    }

    public Task<Caption> CaptionAsync(CaptionRequest request, CancellationToken cancellationToken) =>
        resilience.ExecuteAsync(section, Model, DisplayName, PauseWhileOpen, token => AttemptAsync(request, token), cancellationToken);

    /// <summary>One call to the provider. Throws <see cref="ProviderException"/> for anything the provider did wrong.</summary>
    protected abstract Task<Caption> AttemptAsync(CaptionRequest request, CancellationToken cancellationToken);
}
