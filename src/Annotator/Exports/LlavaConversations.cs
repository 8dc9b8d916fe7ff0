using System.Text.Json;

namespace Annotator.Exports;

/// <summary>
/// One split's <c>{split}.json</c> in LLaVA's instruction-tuning layout (as <c>llava_v1_5_mix665k.json</c>): a list of
/// <c>{ "id", "image", "conversations": [ human: "&lt;image&gt;\nDescribe this image.", gpt: the caption ] }</c>, where
/// <c>image</c> is the file's path from the archive's root (LLaVA's <c>--image_folder</c>). Tags and, with metadata, the
/// image's facts ride along in fields of their own, which LLaVA's loader does not read. Streamed, never held whole.
/// </summary>
internal static class LlavaConversations
{
    public const string Prompt = "<image>\nDescribe this image.";

    public static async Task WriteAsync(Stream output, string folder, IAsyncEnumerable<ExportLine> lines, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartArray();
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            json.WriteStartObject();
            json.WriteString("id", line.Id);
            json.WriteString("image", folder + line.FileName);
            json.WriteStartArray("conversations");
            json.WriteStartObject();
            json.WriteString("from", "human");
            json.WriteString("value", Prompt);
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("from", "gpt");
            json.WriteString("value", line.Text);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("tags");
            foreach (var tag in line.Tags) json.WriteStringValue(tag);
            json.WriteEndArray();
            if (line.Metadata is { } metadata)
            {
                json.WritePropertyName("metadata");
                JsonSerializer.Serialize(json, metadata.Where(m => m.Value is not null).ToDictionary(), ExportLine.Json);
            }
            json.WriteEndObject();
            await json.FlushSoonAsync(cancellationToken);
        }
        json.WriteEndArray();
        await json.FlushAsync(cancellationToken);
    }
}
