using Annotator.Captioning;
using Annotator.Captioning.Gemini;
using Annotator.Captioning.Ollama;
using Annotator.Captioning.OpenAi;
using Annotator.Images;
using Annotator.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;
using Options = Microsoft.Extensions.Options.Options;

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
        var options = new CaptionOptions { Provider = "gemini" };
        if (Environment["ANNOTATOR_CONTRACT_GEMINI_MODEL"] is { Length: > 0 } model) options.Gemini.Model = model;
        var caption = await CaptionAsync(options, (http, o, keys, r) => new GeminiCaptioner(http, o, keys, r, TimeProvider.System));
        Assert.True(caption.InputTokens > 0 && caption.OutputTokens > 0);
    }

    [ContractFact("OpenAI-compatible endpoint", "OPENAI_API_KEY", "ANNOTATOR_CONTRACT_OPENAI_BASEURL")]
    public async Task An_openai_compatible_endpoint_captions_a_real_photo()
    {
        var options = new CaptionOptions { Provider = "openai" };
        if (Environment["ANNOTATOR_CONTRACT_OPENAI_BASEURL"] is { Length: > 0 } url) options.Openai.BaseUrl = url;
        options.Openai.Model = Environment["ANNOTATOR_CONTRACT_OPENAI_MODEL"] is { Length: > 0 } model ? model : "gpt-4.1-mini";
        if (Environment["ANNOTATOR_CONTRACT_OPENAI_FORMAT"] is { Length: > 0 } format) options.Openai.ResponseFormat = format;
        await CaptionAsync(options, (http, o, keys, r) => new OpenAiCaptioner(http, o, keys, r, TimeProvider.System));
    }

    [ContractFact("Ollama server", "ANNOTATOR_CONTRACT_OLLAMA_URL")]
    public async Task Ollama_captions_a_real_photo()
    {
        var options = new CaptionOptions { Provider = "ollama" };
        options.Ollama.BaseUrl = Environment["ANNOTATOR_CONTRACT_OLLAMA_URL"]!;
        options.Ollama.Model = Environment["ANNOTATOR_CONTRACT_OLLAMA_MODEL"] is { Length: > 0 } model ? model : "gemma3";
        await CaptionAsync(options, (http, o, keys, r) => new OllamaCaptioner(http, o, keys, r, TimeProvider.System));
    }

    private async Task<Caption> CaptionAsync(
        CaptionOptions options,
        Func<HttpClient, Microsoft.Extensions.Options.IOptions<CaptionOptions>, ProviderKeys, CaptionResilience, ModelCaptioner> create)
    {
        var wrapped = Options.Create(options);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var captioner = create(http, wrapped, new ProviderKeys(Environment), new CaptionResilience(wrapped, TimeProvider.System, NullLoggerFactory.Instance));
        var jpeg = await File.ReadAllBytesAsync(TestData.Image("nikon-gps.jpg"));

        var caption = await captioner.CaptionAsync(new CaptionRequest(jpeg, 640, 480, ImageFacts.None, "nikon-gps.jpg"), CancellationToken.None);

        output.WriteLine($"{caption.Provider}/{caption.Model} in {caption.LatencyMs} ms, {caption.Attempts} attempt(s), tokens {caption.InputTokens}/{caption.OutputTokens}");
        output.WriteLine(caption.Text);
        output.WriteLine(string.Join(", ", caption.Tags));
        Assert.Equal(options.Provider, caption.Provider);
        Assert.InRange(caption.Text.Length, 10, CaptionReply.MaxCaptionLength + 1);
        Assert.InRange(caption.Tags.Count, 1, CaptionReply.MaxTags);
        Assert.All(caption.Tags, t => Assert.Equal(t.ToLowerInvariant(), t));
        return caption;
    }
}
