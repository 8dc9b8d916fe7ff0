namespace Annotator.Lambda;

/// <summary>CreateAnnotation on Lambda: <c>Annotator.Lambda::Annotator.Lambda.CreateAnnotationFunction::HandleAsync</c>.</summary>
public sealed class CreateAnnotationFunction() : SqsFunction("caption");
