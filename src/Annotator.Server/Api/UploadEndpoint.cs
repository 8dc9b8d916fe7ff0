using Annotator.Images;
using Annotator.Uploads;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Annotator.Server.Api;

/// <summary>
/// <c>POST /api/images</c>: multipart, one or many files in fields <c>file</c> or <c>files</c>. Sections are
/// read one at a time as they stream in; each is held in a small memory buffer that spills to a
/// temporary file, checked, and stored. Nothing is parsed as a form, nothing is buffered whole twice.
/// </summary>
public static class UploadEndpoint
{
    private const int MemoryThreshold = 1 << 20;

    public static async Task<IResult> HandleAsync(HttpContext context, UploadService uploads, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        // The per-file limit is enforced while streaming; the request as a whole may carry many files.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Not a multipart upload",
                "send the images as multipart/form-data in a field named 'file' or 'files'");
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            return Problems.BadRequest("the multipart Content-Type has no valid boundary");

        var reader = new MultipartReader(boundary, context.Request.Body);
        var results = new List<FileResult>();
        string? fileName = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                if (disposition is null || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)) continue;
                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (field is not ("file" or "files")) continue;
                if (results.Count == limits.MaxFilesPerRequest)
                    return Problems.BadRequest($"too many files in one request: at most {limits.MaxFilesPerRequest}");

                fileName = DisplayName.Clean(HeaderUtilities.RemoveQuotes(
                    disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                results.Add(await AcceptAsync(uploads, fileName, section.Body, limits, cancellationToken));
            }
        }
        catch (ImageRejectedException e) when (e.Kind == RejectionKind.TooLarge)
        {
            // Stop reading here: the rest of this request is not worth receiving.
            context.Response.Headers.Connection = "close";
            var extensions = new Dictionary<string, object?> { ["fileName"] = fileName, ["reason"] = "too-large" };
            if (results.Count > 0) extensions["results"] = results;
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "File too large", $"{fileName}: {e.Message}", extensions);
        }
        catch (InvalidDataException e)
        {
            return Problems.BadRequest($"the multipart body is malformed: {e.Message}");
        }

        return results switch
        {
            [] => Problems.BadRequest("no file: send the image in a multipart field named 'file' or 'files'"),
            [{ Image: { } image }] => TypedResults.Created($"/api/images/{image.Id}", image),
            [{ Problem: { } problem }] => Problems.Of(problem.Status, problem.Title, problem.Detail, problem.Extensions),
            _ => TypedResults.Ok(new UploadResultsDto(results)),
        };
    }

    private static async Task<FileResult> AcceptAsync(UploadService uploads, string fileName, Stream body, UploadOptions limits, CancellationToken cancellationToken)
    {
        await using var buffered = new FileBufferingReadStream(
            new LimitedReadStream(body, limits.MaxFileBytes), MemoryThreshold, bufferLimit: null,
            () => Directory.CreateDirectory(limits.TempDirectory).FullName);
        await buffered.DrainAsync(cancellationToken);
        try
        {
            var image = await uploads.AcceptAsync(fileName, buffered, cancellationToken);
            return new FileResult(fileName, StatusCodes.Status201Created, ImageDto.From(image), null);
        }
        catch (ImageRejectedException e) when (e.Kind != RejectionKind.TooLarge)
        {
            var problem = Problems.Rejected(fileName, e).ProblemDetails;
            return new FileResult(fileName, problem.Status ?? 400, null,
                new ProblemDto(problem.Status ?? 400, problem.Title ?? "", problem.Detail ?? "", problem.Extensions));
        }
    }

    public sealed record FileResult(string FileName, int Status, ImageDto? Image, ProblemDto? Problem);

    public sealed record ProblemDto(int Status, string Title, string Detail, IDictionary<string, object?> Extensions);

    public sealed record UploadResultsDto(IReadOnlyList<FileResult> Results);
}
