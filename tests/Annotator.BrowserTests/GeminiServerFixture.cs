using Annotator.Testing;
using Annotator.Testing.Fakes;

namespace Annotator.BrowserTests;

/// <summary>
/// A server of its own for the re-caption tests, with a second real provider: the default captioner stays the
/// offline describer, and Gemini, pointed at a loopback fake of its API with a key, can be chosen for a re-caption.
/// OpenAI-compatible and Ollama have no model configured, so this server cannot use them.
/// </summary>
public sealed class GeminiServerFixture : IAsyncLifetime
{
    public const string Key = "ui-key-3b8e61d0";
    public const string DefaultModel = "gemini-ui-flash";

    public FakeGeminiServer Gemini { get; private set; } = null!;
    public AnnotatorProcess Server { get; private set; } = null!;

    public HttpClient Api => Server.HasExited
        ? throw new InvalidOperationException($"The Gemini test server has ended (exit code {Server.ExitCode}):\n{Server.Output}")
        : Server.Client;

    public async Task InitializeAsync()
    {
        Gemini = await FakeGeminiServer.StartNewAsync();
        Gemini.ExpectedKey = Key;
        Server = await AnnotatorProcess.StartAsync(new Dictionary<string, string>
        {
            ["Annotator:Captions:Provider"] = "offline",
            ["Annotator:Captions:Gemini:BaseUrl"] = Gemini.BaseUrl.ToString(),
            ["Annotator:Captions:Gemini:Model"] = DefaultModel,
            ["Annotator:Captions:Gemini:RetryDelay"] = "00:00:00.05",
            ["Annotator:Captions:Openai:Model"] = "",
            ["Annotator:Captions:Ollama:Model"] = "",
            ["GEMINI_API_KEY"] = Key,
            ["OPENAI_API_KEY"] = "",
            ["OLLAMA_API_KEY"] = "",
            ["GEMINI_API_KEY_FILE"] = "",
            ["OPENAI_API_KEY_FILE"] = "",
            ["OLLAMA_API_KEY_FILE"] = "",
        });
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        if (Gemini is not null) await Gemini.DisposeAsync();
    }
}
