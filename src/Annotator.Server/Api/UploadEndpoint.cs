using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Annotator.Images;
using Annotator.Server.Access;
using Annotator.Uploads;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Annotator.Server.Api;

/// <summary>
/// <c>POST /api/images</c>: multipart, one or many files in fields <c>file</c> or <c>files</c>. Sections are
/// read one at a time as they stream in; each is held in a small memory buffer that spills to a
/// temporary file, checked, and stored. Nothing is parsed as a form, nothing is buffered whole twice.
/// Whatever stops a request half way (a file too large, too many files, a malformed body, a stalled
/// client) is answered with a problem that lists, in <c>results</c>, every file stored before it. A file whose bytes
/// the catalog already holds is answered 200 with that image and a <c>duplicateOf</c> link to it, and stored again nowhere.
/// </summary>
public static class UploadEndpoint
{
    private const int MemoryThreshold = 1 << 20;

    public static async Task<IResult> HandleAsync(
        HttpContext context, UploadService uploads, UploadAdmission admission, IOptions<UploadOptions> options, IOptions<JsonOptions> json,
        ILogger<UploadService> logger, CancellationToken cancellationToken)
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

        using var slot = admission.TryEnter();
        if (slot is null)
        {
            context.Response.Headers.RetryAfter = "5";
            return Refuse(context, StatusCodes.Status503ServiceUnavailable, "Too many uploads",
                $"this server is taking as many uploads at once as it is set to ({limits.MaxConcurrent}): try again in a few seconds", []);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limits.Timeout);
        var reader = new MultipartReader(boundary, context.Request.Body);
        var results = new List<FileResult>();
        string? fileName = null;
        // While a file is being stored (not read): an IOException then is a backend's, e.g. a database connection cut
        // mid-query, and goes to BackendOutage (a 503 while the backend is down), never "the body is malformed".
        var storing = new StrongBox<bool>();
        try
        {
            while (await reader.ReadNextSectionAsync(deadline.Token) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                if (disposition is null || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)) continue;
                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (field is not ("file" or "files")) continue;
                if (results.Count == limits.MaxFilesPerRequest)
                    return Refuse(context, StatusCodes.Status400BadRequest, "Too many files",
                        $"too many files in one request: at most {limits.MaxFilesPerRequest}; the rest of the request was not read", results);
                if (admission.DiskProblem() is { } full)
                    return Refuse(context, StatusCodes.Status507InsufficientStorage, "Insufficient storage", full, results);

                fileName = DisplayName.Clean(HeaderUtilities.RemoveQuotes(
                    disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                results.Add(await AcceptAsync(context, uploads, fileName, section.Body, limits, storing, deadline.Token));
            }
        }
        catch (ImageRejectedException e) when (e.Kind == RejectionKind.TooLarge)
        {
            // Stop reading here: the rest of this request is not worth receiving.
            return Refuse(context, StatusCodes.Status413PayloadTooLarge, "File too large", $"{fileName}: {e.Message}", results,
                new() { ["fileName"] = fileName, ["reason"] = "too-large" });
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client went away: nobody reads an answer, and a disconnect is not a server error.
            logger.LogDebug("An upload ended when its client disconnected after {Count} stored files", results.Count);
            return Results.Empty;
        }
        catch (IOException e) when (UploadAdmission.IsDiskFull(e))
        {
            return Refuse(context, StatusCodes.Status507InsufficientStorage, "Insufficient storage",
                $"the server's disk filled up while storing {fileName}: try again once space is made", results);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Refuse(context, StatusCodes.Status408RequestTimeout, "Upload too slow",
                $"the upload took longer than the {limits.Timeout.TotalMinutes:0.#}-minute limit for one request", results);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals while reading the body: too slow (below the minimum rate), or cut short.
            return Refuse(context, e.StatusCode, e.StatusCode == StatusCodes.Status408RequestTimeout ? "Upload too slow" : "Bad request",
                $"the upload could not be read: {e.Message}", results);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !storing.Value)
        {
            return Refuse(context, StatusCodes.Status400BadRequest, "Bad request", $"the multipart body is malformed: {e.Message}", results);
        }

        return results switch
        {
            [] => Problems.BadRequest("no file: send the image in a multipart field named 'file' or 'files'"),
            [{ Image: { } image, DuplicateOf: { } link }] => TypedResults.Ok(WithDuplicateOf(image, link, json.Value.SerializerOptions)),
            [{ Image: { } image }] => TypedResults.Created($"/api/images/{image.Id}", image),
            [{ Problem: { } problem }] => Problems.Of(problem.Status, problem.Title, problem.Detail, problem.Extensions),
            _ => TypedResults.Ok(new UploadResultsDto(results)),
        };
    }

    /// <summary>The image JSON, as every endpoint shows it, with the link that says the upload found it already there.</summary>
    private static JsonObject WithDuplicateOf(ImageDto image, string link, JsonSerializerOptions options)
    {
        var shown = JsonSerializer.SerializeToNode(image, options)!.AsObject();
        shown["duplicateOf"] = link;
        return shown;
    }

    /// <summary>
    /// A problem for the whole request, naming in <c>results</c> the files already stored; the connection is
    /// closed, because the rest of the body was not read.
    /// </summary>
    private static IResult Refuse(HttpContext context, int status, string title, string detail, List<FileResult> results, Dictionary<string, object?>? extensions = null)
    {
        context.Response.Headers.Connection = "close";
        extensions ??= [];
        if (results.Count > 0) extensions["results"] = results;
        return Problems.Of(status, title, detail, extensions);
    }

    private static async Task<FileResult> AcceptAsync(
        HttpContext context, UploadService uploads, string fileName, Stream body, UploadOptions limits, StrongBox<bool> storing, CancellationToken cancellationToken)
    {
        // Hashed as it is buffered: the duplicate check reads the file no second time.
        using var hashing = new HashingReadStream(new LimitedReadStream(body, limits.MaxFileBytes));
        await using var buffered = new FileBufferingReadStream(
            hashing, MemoryThreshold, bufferLimit: null, () => Directory.CreateDirectory(limits.TempDirectory).FullName);
        await buffered.DrainAsync(cancellationToken);
        storing.Value = true;
        try
        {
            var (image, duplicate) = await uploads.AcceptAsync(fileName, buffered, hashing.Sha256Hex, cancellationToken,
                new Uploader(context.User.UserId()!, context.User.UserName()!, context.Connection.RemoteIpAddress?.ToString()));
            storing.Value = false;
            return duplicate
                ? new FileResult(fileName, StatusCodes.Status200OK, ImageDto.From(image), null, $"/api/images/{image.Id}")
                : new FileResult(fileName, StatusCodes.Status201Created, ImageDto.From(image), null);
        }
        catch (ImageRejectedException e) when (e.Kind != RejectionKind.TooLarge)
        {
            storing.Value = false;
            var problem = Problems.Rejected(fileName, e).ProblemDetails;
            return new FileResult(fileName, problem.Status ?? 400, null,
                new ProblemDto(problem.Status ?? 400, problem.Title ?? "", problem.Detail ?? "", problem.Extensions));
        }
    }

    /// <param name="DuplicateOf">For a file already in the catalog (status 200): the existing image's address.</param>
    public sealed record FileResult(string FileName, int Status, ImageDto? Image, ProblemDto? Problem, string? DuplicateOf = null);

    public sealed record ProblemDto(int Status, string Title, string Detail, IDictionary<string, object?> Extensions);

    public sealed record UploadResultsDto(IReadOnlyList<FileResult> Results);
}
