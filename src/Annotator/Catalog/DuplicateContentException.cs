namespace Annotator.Catalog;

/// <summary>
/// Thrown by <see cref="IImageCatalog.AddAsync"/> when another image already has the same bytes (its
/// <see cref="ImageRecord.ContentSha256"/>): the catalog's unique rule decided, and nothing of the new image was written.
/// </summary>
public sealed class DuplicateContentException(string sha256)
    : Exception($"an image with the same content (SHA-256 {sha256}) is already in the catalog")
{
    public string Sha256 { get; } = sha256;
}
