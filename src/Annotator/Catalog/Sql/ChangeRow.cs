using Annotator.Images;

namespace Annotator.Catalog.Sql;

/// <summary>
/// One <c>image_changes</c> row as an <see cref="ImageChange"/>. Every SQL catalog reads the feed with its own
/// statement (and its own type for <c>deleted</c>); what a row means, and what a damaged one says, is written once, here.
/// </summary>
public static class ChangeRow
{
    public static ImageChange ToChange(long version, string imageId, bool deleted, long changedAt) => new(
        version, ImageId.TryParse(imageId, out var id) ? id : throw new InvalidDataException($"Bad image Id '{imageId}' in the change feed."),
        deleted, DateTimeOffset.FromUnixTimeMilliseconds(changedAt));
}
