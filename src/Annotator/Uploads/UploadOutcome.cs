using Annotator.Catalog;

namespace Annotator.Uploads;

/// <summary>
/// What an accepted upload became: a new image, or, for bytes the catalog already holds, that image
/// (<paramref name="IsDuplicate"/>), with nothing stored again. Duplicates are found across all accounts: the
/// library, its storage and what every viewer sees are shared, so a second copy from someone else is still a copy.
/// </summary>
public sealed record UploadOutcome(ImageRecord Image, bool IsDuplicate);
