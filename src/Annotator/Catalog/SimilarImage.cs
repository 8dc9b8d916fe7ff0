namespace Annotator.Catalog;

/// <summary>An image near another (its near-duplicate): how many of the 64 perceptual-hash bits differ.</summary>
public sealed record SimilarImage(ImageRecord Image, int Distance);
