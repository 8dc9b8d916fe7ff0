using Annotator.Captioning;
using Annotator.Captioning.Models;
using Annotator.Images;
using Annotator.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Annotator.Tests.Captioning;

/// <summary>
/// The adapters against the real services, when the environment names them (see each test's skip reason).
/// They check the contract the fakes imitate: a real photo in, one or two sentences and a few lowercase tags out.
/// </summary>
public sealed class ContractTests(ITestOutputHelper output)
{
    private static readonly IConfiguration Environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();

    [ContractFact("Gemini API", "GEMINI_API_KEY", "GEMINI_API_KEY_FILE")]
    public async Task Gemini_captions_a_real_photo()
    {
        var settings = new HarnessSettings();
        if (Environment["ANNOTATOR_CONTRACT_GEMINI_MODEL"] is { Length: > 0 } model) settings.Gemini.Model = model;
        var caption = await CaptionAsync(Protocol.Gemini, settings);
        Assert.True(caption.InputTokens > 0 && caption.OutputTokens > 0);
    }

    [ContractFact("OpenAI-compatible endpoint", "OPENAI_API_KEY", "ANNOTATOR_CONTRACT_OPENAI_BASEURL")]
    public async Task An_openai_compatible_endpoint_captions_a_real_photo()
    {
        var settings = new HarnessSettings();
        if (Environment["ANNOTATOR_CONTRACT_OPENAI_BASEURL"] is { Length: > 0 } url) settings.Openai.BaseUrl = url;
        settings.Openai.Model = Environment["ANNOTATOR_CONTRACT_OPENAI_MODEL"] is { Length: > 0 } model ? model : "gpt-4.1-mini";
        if (Environment["ANNOTATOR_CONTRACT_OPENAI_FORMAT"] is { Length: > 0 } format) settings.Openai.ResponseFormat = format;
        await CaptionAsync(Protocol.OpenAi, settings);
    }

    [ContractFact("Ollama server", "ANNOTATOR_CONTRACT_OLLAMA_URL")]
    public async Task Ollama_captions_a_real_photo()
    {
        var settings = new HarnessSettings();
        settings.Ollama.BaseUrl = Environment["ANNOTATOR_CONTRACT_OLLAMA_URL"]!;
        settings.Ollama.Model = Environment["ANNOTATOR_CONTRACT_OLLAMA_MODEL"] is { Length: > 0 } model ? model : "gemma3";
        await CaptionAsync(Protocol.Ollama, settings);
    }

    private async Task<Caption> CaptionAsync(Protocol protocol, HarnessSettings settings)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var captioner = protocol.Create(http, settings, new ProviderKeys(Environment), new CaptionResilience(TimeProvider.System, NullLoggerFactory.Instance));
        var jpeg = await File.ReadAllBytesAsync(TestData.Image("nikon-gps.jpg"));

        var caption = await captioner.CaptionAsync(new CaptionRequest(jpeg, 640, 480, ImageFacts.None, "nikon-gps.jpg"), CancellationToken.None);

        output.WriteLine($"{caption.Provider}/{caption.Model} in {caption.LatencyMs} ms, {caption.Attempts} attempt(s), tokens {caption.InputTokens}/{caption.OutputTokens}");
        output.WriteLine(caption.Text);
        output.WriteLine(string.Join(", ", caption.Tags));
        Assert.Equal(protocol.Name, caption.Provider);
        Assert.InRange(caption.Text.Length, 10, CaptionReply.MaxCaptionLength + 1);
        Assert.InRange(caption.Tags.Count, 1, CaptionReply.MaxTags);
        Assert.All(caption.Tags, t => Assert.Equal(t.ToLowerInvariant(), t));
        return caption;
    }
}
