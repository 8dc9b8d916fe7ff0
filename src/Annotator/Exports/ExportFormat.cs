namespace Annotator.Exports;

/// <summary>
/// The dataset layouts an export writes, each a ZIP archive: Hugging Face ImageFolder (<c>{split}/metadata.jsonl</c>
/// beside each split's images), and plain JSONL or CSV (<c>data.jsonl</c> / <c>data.csv</c> beside <c>images/</c>).
/// </summary>
public enum ExportFormat { ImageFolder, Jsonl, Csv }

public static class ExportFormats
{
    public const string Names = "imagefolder, jsonl, csv";

    public static string Name(this ExportFormat format) => format switch
    {
        ExportFormat.ImageFolder => "imagefolder",
        ExportFormat.Jsonl => "jsonl",
        ExportFormat.Csv => "csv",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static bool TryParse(string? text, out ExportFormat format)
    {
        format = text switch
        {
            "imagefolder" => ExportFormat.ImageFolder,
            "jsonl" => ExportFormat.Jsonl,
            "csv" => ExportFormat.Csv,
            _ => (ExportFormat)(-1),
        };
        return format >= 0;
    }
}
