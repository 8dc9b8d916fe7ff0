using Annotator.Images;

namespace Annotator.Catalog;

/// <summary>
/// A gallery page request: newest first, after <see cref="Before"/> (the cursor), optionally searched and filtered by
/// state and by who uploaded them (<see cref="UploaderId"/>, for "my uploads").
/// </summary>
public sealed record ImageQuery(ImageId? Before, int Limit, string? Search, WorkState? State, string? UploaderId = null);

public sealed record ImagePage(IReadOnlyList<ImageRecord> Items, ImageId? Next);
