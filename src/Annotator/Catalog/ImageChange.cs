using Annotator.Images;

namespace Annotator.Catalog;

/// <summary>
/// One entry of the catalog's change feed: an image's states moved, its caption arrived, or it was deleted.
/// Versions grow by one per change, in commit order, on every engine: a reader that has seen version v and
/// reads everything after it misses nothing and sees nothing twice.
/// </summary>
public readonly record struct ImageChange(long Version, ImageId Id, bool Deleted, DateTimeOffset At);
