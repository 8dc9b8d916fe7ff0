using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;

namespace Annotator.Exports;

/// <summary>The CSV export's <c>data.csv</c> (RFC 4180, by CsvHelper): the JSON lines' columns, tags joined by <c>"; "</c>.</summary>
internal static class CsvIndex
{
    private static readonly string[] Columns = ["file_name", "text", "tags", "id", "split", "review"];

    public static async Task WriteAsync(Stream output, IAsyncEnumerable<ExportLine> lines, string folder, CancellationToken cancellationToken)
    {
        await using var text = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        await using var csv = CsvWriter.Create(text, null, leaveOpen: true);
        string[]? header = null;
        await foreach (var line in lines)
        {
            if (header is null)
            {
                // Every line of one export has metadata or none: the first says which columns there are.
                header = line.Metadata is null ? Columns : [.. Columns, .. ExportLine.MetadataNames];
                await csv.WriteRecordAsync(header, cancellationToken);
            }
            var flat = line.Flat(folder + line.FileName, full: true);
            await csv.WriteRecordAsync(
                [.. header.Select(column => column == "tags" ? string.Join("; ", line.Tags) : flat[column] is { } value ? Plain(value) : "")],
                cancellationToken);
        }
        if (header is null) await csv.WriteRecordAsync(Columns, cancellationToken);
        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>A JSON value as CSV text: a string as it is, a number or time as JSON writes it.</summary>
    private static string Plain(JsonNode value) =>
        value is JsonValue plain && plain.GetValueKind() == JsonValueKind.String && plain.TryGetValue<string>(out var text)
            ? text
            : value.GetValueKind() == JsonValueKind.String ? value.ToJsonString().Trim('"') : value.ToJsonString();
}
