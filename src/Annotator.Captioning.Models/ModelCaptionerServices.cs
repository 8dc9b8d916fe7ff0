using Annotator.Captioning.Gemini;
using Annotator.Captioning.Ollama;
using Annotator.Captioning.OpenAi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Captioning.Models;

/// <summary>
/// Wires the model providers into the core's captioning; call it after <c>AddAnnotator</c>, whose clock, options and
/// registry they use, and whose offline describer lists first. Adding a provider is one line here.
/// </summary>
public static class ModelCaptionerServices
{
    public static IServiceCollection AddModelCaptioners(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ProviderKeys>();
        services.AddSingleton<CaptionResilience>();
        services.AddModelProvider<GeminiOptions, GeminiCaptioner, GeminiProvider>(configuration);
        services.AddModelProvider<OpenAiOptions, OpenAiCaptioner, OpenAiProvider>(configuration);
        services.AddModelProvider<OllamaOptions, OllamaCaptioner, OllamaProvider>(configuration);
        return services;
    }

    /// <summary>
    /// One provider: its section <c>Annotator:Captions:{SectionName}</c> (checked with the captions settings at
    /// start-up), its typed HttpClient (no client-side timeout: the provider's resilience pipeline times calls out),
    /// and its <see cref="ICaptionProvider"/>.
    /// </summary>
    private static void AddModelProvider<TOptions, TCaptioner, TProvider>(this IServiceCollection services, IConfiguration configuration)
        where TOptions : ModelProviderOptions
        where TCaptioner : ModelCaptioner
        where TProvider : class, ICaptionProvider
    {
        services.AddOptions<TOptions>().Configure(o => configuration.GetSection($"{CaptionOptions.Section}:{o.SectionName}").Bind(o));
        services.AddHttpClient<TCaptioner>(http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<ICaptionProvider, TProvider>();
    }
}
