namespace Annotator.Captioning.Offline;

/// <summary>The offline describer as a provider: always usable, one model, no settings of its own, no circuit.</summary>
public sealed class OfflineProvider(OfflineDescriber describer) : ICaptionProvider
{
    public string Name => CaptionOptions.Offline;

    public string? DefaultModel => OfflineDescriber.ModelName;

    /// <summary>It works on the CPU: one caption per core.</summary>
    public int Concurrency => Environment.ProcessorCount;

    public string Circuit => "closed";

    public string? Unavailable() => null;

    public string? ModelProblem(string model) =>
        model == OfflineDescriber.ModelName ? null : $"the offline describer has one model, {OfflineDescriber.ModelName}";

    public IEnumerable<string> ChainMistakes(string setting) => [];

    public IEnumerable<string> SettingMistakes() => [];

    public ICaptioner Create(string? model, bool pauseWhileOpen) => describer;
}
