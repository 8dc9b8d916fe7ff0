using System.Globalization;
using System.Text.Json;

namespace Annotator.Exports;

/// <summary>
/// One split's <c>annotations/captions_{split}.json</c> in the COCO captions layout (as <c>captions_train2017.json</c>):
/// <c>info</c>, <c>licenses</c>, <c>images</c> (<c>id</c>, <c>file_name</c> in the <c>{split}/</c> folder,
/// <c>width</c>, <c>height</c>) and <c>annotations</c> (<c>id</c>, <c>image_id</c>, <c>caption</c>). COCO ids are
/// integers, so each image is numbered in archive order from <c>firstId</c> and its caption takes the same number;
/// <c>annotator_id</c> names the image in Annotator, and with metadata its facts follow (readers ignore extra fields).
/// Written as it is read, twice over the split's lines (images, then annotations), never held whole.
/// </summary>
internal static class CocoCaptions
{
    /// <summary>Writes the file; returns the id the next split starts at.</summary>
    public static async Task<long> WriteAsync(
        Stream output, string split, Func<IAsyncEnumerable<ExportLine>> lines, long firstId, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteStartObject("info");
        json.WriteString("description", $"Annotator caption export, {split} split");
        json.WriteString("version", "1.0");
        json.WriteNumber("year", createdAt.Year);
        json.WriteString("contributor", "Annotator");
        json.WriteString("date_created", createdAt.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture));
        json.WriteEndObject();
        json.WriteStartArray("licenses");
        json.WriteEndArray();

        json.WriteStartArray("images");
        var id = firstId;
        await foreach (var line in lines().WithCancellation(cancellationToken))
        {
            json.WriteStartObject();
            json.WriteNumber("id", id++);
            json.WriteString("file_name", line.FileName);
            json.WriteNumber("width", line.Width);
            json.WriteNumber("height", line.Height);
            json.WriteString("annotator_id", line.Id);
            foreach (var (name, value) in line.Metadata ?? new Dictionary<string, object?>())
            {
                if (value is null) continue;
                json.WritePropertyName(name);
                JsonSerializer.Serialize(json, value, ExportLine.Json);
            }
            json.WriteEndObject();
            await json.FlushSoonAsync(cancellationToken);
        }
        json.WriteEndArray();

        json.WriteStartArray("annotations");
        id = firstId;
        await foreach (var line in lines().WithCancellation(cancellationToken))
        {
            json.WriteStartObject();
            json.WriteNumber("id", id);
            json.WriteNumber("image_id", id++);
            json.WriteString("caption", line.Text);
            json.WriteStartArray("tags");
            foreach (var tag in line.Tags) json.WriteStringValue(tag);
            json.WriteEndArray();
            json.WriteEndObject();
            await json.FlushSoonAsync(cancellationToken);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        return id;
    }
}
