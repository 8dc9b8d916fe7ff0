using Annotator.Images;

namespace Annotator.Catalog;

/// <summary>A gallery page request: newest first, after <see cref="Before"/> (the cursor), optionally searched and filtered.</summary>
public sealed record ImageQuery(ImageId? Before, int Limit, string? Search, WorkState? State);

public sealed record ImagePage(IReadOnlyList<ImageRecord> Items, ImageId? Next);
