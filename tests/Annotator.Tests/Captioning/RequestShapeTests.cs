using Annotator.Captioning;
using Annotator.Captioning.Models;
using Annotator.Testing.Fakes;

namespace Annotator.Tests.Captioning;

/// <summary>The exact request each adapter sends: path, model, key, the image as base64, the prompt, the JSON mode.</summary>
public sealed class RequestShapeTests
{
    private static readonly string ImageBase64 = Convert.ToBase64String(CaptionerHarness.Jpeg);

    private static Action<HarnessSettings> InSwedish => o => o.Captions.Language = "Swedish";

    [Fact]
    public async Task Gemini_gets_generateContent_with_the_key_in_a_header_the_image_inline_and_a_response_schema()
    {
        await using var harness = await CaptionerHarness.StartAsync(Protocol.Gemini, InSwedish);

        await harness.CaptionAsync();

        var request = Assert.Single(harness.Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v1beta/models/{harness.Model}:generateContent", request.Path);
        Assert.Equal("test-key", request.Header("x-goog-api-key"));
        Assert.Equal("", request.Query); // never ?key=…
        Assert.Null(request.Header("authorization"));
        var json = request.Json!;
        var parts = json["contents"]![0]!["parts"]!.AsArray();
        Assert.Equal("image/jpeg", (string?)parts[0]!["inlineData"]!["mimeType"]);
        Assert.Equal(ImageBase64, (string?)parts[0]!["inlineData"]!["data"]);
        Assert.Equal(new CaptionPrompt("", "Swedish").Text, (string?)parts[1]!["text"]);
        Assert.Contains("in Swedish", (string?)parts[1]!["text"]);
        Assert.Equal("application/json", (string?)json["generationConfig"]!["responseMimeType"]);
        var schema = json["generationConfig"]!["responseSchema"]!;
        Assert.Equal("STRING", (string?)schema["properties"]!["caption"]!["type"]);
        Assert.Equal("ARRAY", (string?)schema["properties"]!["tags"]!["type"]);
    }

    [Fact]
    public async Task Gemini_gets_the_model_a_recaption_asks_for_and_records_the_version_that_answered()
    {
        await using var harness = await CaptionerHarness.StartAsync(Protocol.Gemini);
        harness.Server.Enqueue(FakeGeminiServer.Text("""{"caption":"A cat.","tags":["cat","indoors","pet"]}""", model: "gemini-9.9-flash-001"));

        var caption = await harness.CaptionAsync(model: "gemini-flash-latest");

        Assert.Equal("/v1beta/models/gemini-flash-latest:generateContent", harness.Server.Requests[0].Path);
        Assert.Equal("gemini-9.9-flash-001", caption.Model);
    }

    [Fact]
    public async Task OpenAi_gets_chat_completions_with_a_bearer_key_the_image_as_a_data_url_and_a_json_schema()
    {
        await using var harness = await CaptionerHarness.StartAsync(Protocol.OpenAi, InSwedish);

        await harness.CaptionAsync();

        var request = Assert.Single(harness.Server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test-key-0123456789", request.Header("authorization"));
        var json = request.Json!;
        Assert.Equal(harness.Model, (string?)json["model"]);
        var message = json["messages"]![0]!;
        Assert.Equal("user", (string?)message["role"]);
        var content = message["content"]!.AsArray();
        Assert.Equal(new CaptionPrompt("", "Swedish").Text, (string?)content.Single(c => (string?)c!["type"] == "text")!["text"]);
        Assert.Equal("data:image/jpeg;base64," + ImageBase64, (string?)content.Single(c => (string?)c!["type"] == "image_url")!["image_url"]!["url"]);
        Assert.Equal("json_schema", (string?)json["response_format"]!["type"]);
        var schema = json["response_format"]!["json_schema"]!["schema"]!;
        Assert.Equal("string", (string?)schema["properties"]!["caption"]!["type"]);
        Assert.Equal("array", (string?)schema["properties"]!["tags"]!["type"]);
    }

    [Fact]
    public async Task OpenAi_compatible_server_without_a_key_gets_no_authorization_header()
    {
        await using var harness = await CaptionerHarness.StartAsync(Protocol.OpenAi, o => o.Openai.ResponseFormat = "json_object", keyless: true);
        harness.Server.ExpectedKey = null;

        await harness.CaptionAsync();

        var request = Assert.Single(harness.Server.Requests);
        Assert.Null(request.Header("authorization"));
        Assert.Equal("json_object", (string?)request.Json!["response_format"]!["type"]);
    }

    [Fact]
    public async Task Ollama_gets_api_chat_unstreamed_with_the_image_in_images_and_the_schema_as_format()
    {
        await using var harness = await CaptionerHarness.StartAsync(Protocol.Ollama, InSwedish);

        await harness.CaptionAsync();

        var request = Assert.Single(harness.Server.Requests);
        Assert.Equal("/api/chat", request.Path);
        Assert.Null(request.Header("authorization"));
        var json = request.Json!;
        Assert.Equal(harness.Model, (string?)json["model"]);
        Assert.False((bool)json["stream"]!);
        var message = json["messages"]![0]!;
        Assert.Equal("user", (string?)message["role"]);
        Assert.Equal(new CaptionPrompt("", "Swedish").Text, (string?)message["content"]);
        Assert.Equal(ImageBase64, (string?)message["images"]![0]);
        Assert.Equal("object", (string?)json["format"]!["type"]);
        Assert.Equal("string", (string?)json["format"]!["properties"]!["caption"]!["type"]);
    }

    [Fact]
    public async Task Ollama_behind_an_authenticating_proxy_gets_the_key_as_a_bearer_token()
    {
        await using var harness = await CaptionerHarness.StartAsync(Protocol.Ollama, key: "ollama-key-123");
        harness.Server.ExpectedKey = "ollama-key-123";

        await harness.CaptionAsync();

        Assert.Equal("Bearer ollama-key-123", harness.Server.Requests[0].Header("authorization"));
    }

    [Fact]
    public async Task A_custom_prompt_replaces_the_built_in_one_with_the_language_filled_in()
    {
        await using var harness = await CaptionerHarness.StartAsync(Protocol.Ollama, o =>
        {
            o.Captions.Prompt = "Describe this picture for a museum archive in {language}, as JSON with caption and tags.";
            o.Captions.Language = "German";
        });

        await harness.CaptionAsync();

        Assert.Equal("Describe this picture for a museum archive in German, as JSON with caption and tags.",
            (string?)harness.Server.Requests[0].Json!["messages"]![0]!["content"]);
    }
}
