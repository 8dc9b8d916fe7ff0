using System.Text.Json.Nodes;

namespace Annotator.Captioning.Models;

/// <summary>
/// What every model is asked: the instruction (built in, or <c>Annotator:Captions:Prompt</c> with
/// "{language}" replaced) and the shape of the answer, as a JSON Schema for the providers' structured modes.
/// </summary>
public sealed class CaptionPrompt
{
    public const string DefaultInstruction =
        "Write a caption for this photo for a searchable photo library. Answer with a JSON object with two fields: "
        + "\"caption\", one or two plain sentences saying what the photo shows, and "
        + "\"tags\", 3 to 10 lowercase tags (single words or short phrases) for its subjects, setting and style. "
        + "Write the caption and the tags in {language}. Describe only what is visible; do not guess who people are.";

    public CaptionPrompt(string instruction, string language)
    {
        var template = string.IsNullOrWhiteSpace(instruction) ? DefaultInstruction : instruction;
        Text = template.Replace("{language}", language, StringComparison.Ordinal);
    }

    public static CaptionPrompt From(CaptionOptions options) => new(options.Prompt, options.Language);

    /// <summary>The instruction sent beside the image.</summary>
    public string Text { get; }

    // What each field of the answer holds, in both schemas below: the same words whichever schema a provider reads.
    private const string CaptionDescription = "One or two sentences saying what the photo shows.";
    private const string TagsDescription = "3 to 10 lowercase tags.";

    /// <summary>The answer's shape as JSON Schema (OpenAI's json_schema, Ollama's format).</summary>
    public static JsonObject JsonSchema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["caption"] = new JsonObject { ["type"] = "string", ["description"] = CaptionDescription },
            ["tags"] = new JsonObject
            {
                ["type"] = "array",
                ["description"] = TagsDescription,
                ["items"] = new JsonObject { ["type"] = "string" },
            },
        },
        ["required"] = new JsonArray("caption", "tags"),
        ["additionalProperties"] = false,
    };

    /// <summary>The answer's shape in the OpenAPI subset Gemini's responseSchema takes.</summary>
    public static JsonObject GeminiSchema() => new()
    {
        ["type"] = "OBJECT",
        ["properties"] = new JsonObject
        {
            ["caption"] = new JsonObject { ["type"] = "STRING", ["description"] = CaptionDescription },
            ["tags"] = new JsonObject
            {
                ["type"] = "ARRAY",
                ["description"] = TagsDescription,
                ["items"] = new JsonObject { ["type"] = "STRING" },
                ["minItems"] = 3,
                ["maxItems"] = 10,
            },
        },
        ["required"] = new JsonArray("caption", "tags"),
        ["propertyOrdering"] = new JsonArray("caption", "tags"),
    };
}
