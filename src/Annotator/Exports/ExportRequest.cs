using Annotator.Catalog;

namespace Annotator.Exports;

/// <summary>
/// What to export: the images a search and review filter take (by default only accepted or edited ones), split by
/// id hash, as originals or as JPEG copies whose longest side is at most <see cref="MaxEdge"/>, with or without
/// each image's metadata (size, camera facts, who made and who reviewed the caption); a WebDataset export puts at most
/// <see cref="ShardSamples"/> images in one tar shard.
/// </summary>
public sealed record ExportRequest(
    ExportFormat Format, string? Search, ReviewFilter Review, ExportSplit Split, int? MaxEdge, bool Metadata,
    int ShardSamples = ExportRequest.DefaultShardSamples)
{
    public const int DefaultShardSamples = 1000;
    public const int MaxShardSamples = 100_000;
}
