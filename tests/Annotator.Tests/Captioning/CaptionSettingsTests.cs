using Annotator.Thumbnails;
using Annotator.Captioning;
using Annotator.Captioning.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Captioning;

/// <summary>Start-up checks of Annotator:Captions, and which captioner a caption or a re-caption request gets.</summary>
public sealed class CaptionSettingsTests
{
    private static IReadOnlyList<string> Mistakes(Dictionary<string, string?> settings)
    {
        using var services = Services(settings);
        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CaptionOptions>>().Value);
        return [.. e.Failures];
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Annotator:DataDirectory", Path.Combine(Path.GetTempPath(), "annotator-settings-test"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddAnnotator(configuration).AddVipsImaging().AddModelCaptioners(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Gemini_without_a_key_is_one_clear_mistake()
    {
        Assert.Equal(["Annotator:Captions:Provider is gemini but no key: set GEMINI_API_KEY or GEMINI_API_KEY_FILE"],
            Mistakes(new() { ["Annotator:Captions:Provider"] = "gemini" }));
    }

    [Fact]
    public void A_key_file_that_cannot_be_read_is_named()
    {
        var mistake = Assert.Single(Mistakes(new() { ["Annotator:Captions:Provider"] = "gemini", ["GEMINI_API_KEY_FILE"] = "/nonexistent/gemini.key" }));

        Assert.StartsWith("Annotator:Captions:Provider is gemini but GEMINI_API_KEY_FILE names /nonexistent/gemini.key, which cannot be read", mistake);
    }

    [Fact]
    public void A_key_from_a_file_is_used_and_never_shown()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "AIza-secret-from-file\n");
        using var services = Services(new() { ["Annotator:Captions:Provider"] = "gemini", ["GEMINI_API_KEY_FILE"] = file });

        Assert.Equal("gemini", services.GetRequiredService<IOptions<CaptionOptions>>().Value.Provider);
        Assert.Equal("AIza-secret-from-file", services.GetRequiredService<ProviderKeys>().Get("gemini"));
        File.Delete(file);
    }

    [Fact]
    public void Each_mistake_in_the_chain_and_the_sections_is_its_own_sentence()
    {
        var mistakes = Mistakes(new()
        {
            ["Annotator:Captions:Provider"] = "ollama",
            ["Annotator:Captions:Fallback"] = "openai, cloud, offline",
            ["Annotator:Captions:Gemini:BaseUrl"] = "generativelanguage.googleapis.com",
            ["Annotator:Captions:Openai:Concurrency"] = "0",
        });

        Assert.Equal(
        [
            "Annotator:Captions:Fallback names 'cloud', which is not one of offline, gemini, openai, ollama",
            "Annotator:Captions:Provider is ollama but Annotator:Captions:Ollama:Model is empty: name the vision model pulled on the Ollama server (e.g. gemma3)",
            "Annotator:Captions:Fallback includes openai at https://api.openai.com/v1/ but no key: set OPENAI_API_KEY or OPENAI_API_KEY_FILE",
            "Annotator:Captions:Fallback includes openai but Annotator:Captions:Openai:Model is empty: name the model the endpoint serves",
            "Annotator:Captions:Gemini:BaseUrl 'generativelanguage.googleapis.com' must be an http:// or https:// URL without a query",
            "Annotator:Captions:Openai:Concurrency must be between 1 and 256",
        ], mistakes);
    }

    [Fact]
    public void An_unknown_provider_lists_the_known_ones()
    {
        Assert.Contains("Annotator:Captions:Provider must be offline, gemini, openai or ollama.",
            string.Join("\n", Mistakes(new() { ["Annotator:Captions:Provider"] = "claude" })));
    }

    [Fact]
    public void A_local_openai_compatible_server_needs_a_model_but_no_key()
    {
        using var services = Services(new()
        {
            ["Annotator:Captions:Provider"] = "openai",
            ["Annotator:Captions:Openai:BaseUrl"] = "http://127.0.0.1:8080/v1",
            ["Annotator:Captions:Openai:Model"] = "qwen2.5-vl-7b",
        });

        var captioner = services.GetRequiredService<ICaptioner>();

        Assert.Equal("openai", captioner.Provider);
        Assert.Equal("qwen2.5-vl-7b", captioner.Model);
    }

    [Fact]
    public void The_default_captioner_is_the_chain_and_a_recaption_gets_exactly_what_it_asked_for()
    {
        using var services = Services(new()
        {
            ["Annotator:Captions:Provider"] = "gemini",
            ["Annotator:Captions:Fallback:0"] = "offline",
            ["GEMINI_API_KEY"] = "k",
            ["Annotator:Captions:Ollama:Model"] = "gemma3",
        });
        var captioners = services.GetRequiredService<Captioners>();

        Assert.IsType<FallbackCaptioner>(captioners.Create());
        Assert.Equal(8, captioners.DefaultConcurrency);
        var chosen = captioners.Create(new CaptionChoice("gemini", "gemini-2.5-flash-lite"));
        Assert.Equal(("gemini", "gemini-2.5-flash-lite"), (chosen.Provider, chosen.Model));
        Assert.Equal(("ollama", "gemma3"), (captioners.Create(new CaptionChoice("ollama", null)).Provider, captioners.Create(new CaptionChoice("ollama", null)).Model));
        Assert.Equal("offline", captioners.Create(new CaptionChoice("offline", null)).Provider);
    }

    [Fact]
    public void A_recaption_request_for_something_this_server_cannot_do_says_why()
    {
        using var services = Services(new() { ["Annotator:Captions:Provider"] = "offline" });
        var captioners = services.GetRequiredService<Captioners>();

        Assert.Equal("provider 'claude' is not one of offline, gemini, openai, ollama", captioners.Problem(new("claude", null)));
        Assert.Equal("provider 'gemini' is not configured on this server: no key: set GEMINI_API_KEY or GEMINI_API_KEY_FILE",
            captioners.Problem(new("gemini", null)));
        Assert.Equal("the offline describer has one model, describer-1", captioners.Problem(new("offline", "gpt-5")));
        Assert.StartsWith("model '../../etc' is not a valid model name", captioners.Problem(new(null, "../../etc")));
        Assert.Null(captioners.Problem(new("offline", "describer-1")));
        var failure = Assert.Throws<CaptionFailedException>(() => captioners.Create(new CaptionChoice("openai", null)));
        Assert.Equal(CaptionFailure.NotConfigured, failure.Kind);
    }
}
