namespace Annotator.Exports;

/// <summary>
/// The dataset layouts an export writes, each a ZIP archive: Hugging Face ImageFolder (<c>{split}/metadata.jsonl</c>
/// beside each split's images), plain JSONL or CSV (<c>data.jsonl</c> / <c>data.csv</c> beside <c>images/</c>), COCO
/// captions (<c>annotations/captions_{split}.json</c> and <c>{split}/</c>), LLaVA conversations (<c>{split}.json</c>
/// and <c>{split}/</c>), and WebDataset tar shards (<c>{split}-000000.tar</c>…, stored as they are in the ZIP).
/// </summary>
public enum ExportFormat { ImageFolder, Jsonl, Csv, Coco, Llava, WebDataset }

public static class ExportFormats
{
    public const string Names = "imagefolder, jsonl, csv, coco, llava, webdataset";

    public static string Name(this ExportFormat format) => format switch
    {
        ExportFormat.ImageFolder => "imagefolder",
        ExportFormat.Jsonl => "jsonl",
        ExportFormat.Csv => "csv",
        ExportFormat.Coco => "coco",
        ExportFormat.Llava => "llava",
        ExportFormat.WebDataset => "webdataset",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static bool TryParse(string? text, out ExportFormat format)
    {
        format = text switch
        {
            "imagefolder" => ExportFormat.ImageFolder,
            "jsonl" => ExportFormat.Jsonl,
            "csv" => ExportFormat.Csv,
            "coco" => ExportFormat.Coco,
            "llava" => ExportFormat.Llava,
            "webdataset" => ExportFormat.WebDataset,
            _ => (ExportFormat)(-1),
        };
        return format >= 0;
    }
}
