using Annotator.Images;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Annotator.Server.Api;

/// <summary>RFC 9457 problem details with one-line, specific messages.</summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    public static ProblemHttpResult BadRequest(string detail) => Of(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult ImageNotFound(string id) => NotFound($"there is no image with id '{id}'");

    public static ProblemHttpResult Rejected(string? fileName, ImageRejectedException e) =>
        Of(StatusOf(e.Kind), TitleOf(e.Kind), $"{fileName ?? "the file"}: {e.Message}",
            new Dictionary<string, object?> { ["fileName"] = fileName, ["reason"] = KindName(e.Kind) });

    public static int StatusOf(RejectionKind kind) => kind switch
    {
        RejectionKind.Empty => StatusCodes.Status400BadRequest,
        RejectionKind.NotAnImage or RejectionKind.Unsupported => StatusCodes.Status415UnsupportedMediaType,
        RejectionKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    private static string TitleOf(RejectionKind kind) => kind switch
    {
        RejectionKind.Empty => "Empty file",
        RejectionKind.NotAnImage => "Not an image",
        RejectionKind.Unsupported => "Unsupported image format",
        RejectionKind.Damaged => "Damaged image",
        RejectionKind.TooManyPixels => "Too many pixels",
        RejectionKind.TooLarge => "File too large",
        RejectionKind.TooCostly => "Image too costly to decode",
        _ => "Image refused",
    };

    private static string KindName(RejectionKind kind) => kind switch
    {
        RejectionKind.NotAnImage => "not-an-image",
        RejectionKind.TooManyPixels => "too-many-pixels",
        RejectionKind.TooLarge => "too-large",
        RejectionKind.TooCostly => "too-costly",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
