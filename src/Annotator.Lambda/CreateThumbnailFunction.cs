namespace Annotator.Lambda;

/// <summary>CreateThumbnail on Lambda: <c>Annotator.Lambda::Annotator.Lambda.CreateThumbnailFunction::HandleAsync</c>.</summary>
public sealed class CreateThumbnailFunction() : SqsFunction("thumbnail");
