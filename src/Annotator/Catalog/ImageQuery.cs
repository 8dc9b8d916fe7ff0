using Annotator.Images;

namespace Annotator.Catalog;

/// <summary>
/// A gallery page request: newest first, after <see cref="Before"/> (the cursor), optionally searched and filtered by
/// state, by who uploaded them (<see cref="UploaderId"/>, for "my uploads"), by review state, and by the provider and
/// model that made the prediction, and to those with near-duplicates (<see cref="Similar"/>).
/// </summary>
public sealed record ImageQuery(
    ImageId? Before, int Limit, string? Search, WorkState? State, string? UploaderId = null,
    ReviewFilter? Review = null, string? Provider = null, string? Model = null, bool Similar = false);

public sealed record ImagePage(IReadOnlyList<ImageRecord> Items, ImageId? Next);
