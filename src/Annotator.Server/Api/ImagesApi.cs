using Annotator.Captioning;
using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Annotator.Server.Access;

namespace Annotator.Server.Api;

/// <summary>The REST surface for images: upload, list, read, retry, re-caption, delete.</summary>
public static class ImagesApi
{
    public const int DefaultLimit = 24;
    public const int MaxLimit = 200;

    public static IEndpointRouteBuilder MapImagesApi(this IEndpointRouteBuilder app)
    {
        var images = app.MapGroup("/api/images").WithTags("Images");

        images.MapPost("/", UploadEndpoint.HandleAsync).RequireAuthorization(Rights.Upload)
            .WithSummary("Upload one or more images (multipart field 'file' or 'files')")
            // No Accepts<>() metadata: routing would answer a wrong Content-Type with a bare 415, and the
            // handler's problem detail says what to send instead.
            .WithDescription("Send multipart/form-data with one or more files in fields named 'file' or 'files'. "
                + "One file: 201 with the image and a Location header, or a problem detail. Several: 200 with one result per file. "
                + "A file whose bytes are already stored (by anyone): 200 with that image and duplicateOf, its address; nothing is stored again.")
            .Produces<ImageDto>(StatusCodes.Status201Created)
            .Produces<UploadEndpoint.UploadResultsDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery();

        images.MapGet("/", ListAsync).RequireAuthorization(Rights.Read)
            .WithSummary("List images, newest first, paged by cursor; q searches captions, tags and file names; "
                + "review (unreviewed, accepted, edited, rejected, comma-separated), provider and model filter by review and by the prediction's maker; "
                + "similar=true keeps those with near-duplicates")
            .CacheOutput(ListCachePolicy.Instance);

        images.MapGet("/count", CountAsync).RequireAuthorization(Rights.Read)
            .WithSummary("How many images the list's filters (q, state, mine, review, provider, model, similar) take in all")
            // Every open gallery asks again after a live change: one count per catalog version per node answers them all.
            .CacheOutput(ListCachePolicy.Instance);
        images.MapGet("/{id}", GetAsync).RequireAuthorization(Rights.Read).WithSummary("One image with its processing states, caption and EXIF facts");
        images.MapPost("/{id}/retry", RetryAsync).RequireAuthorization(Rights.Write).WithSummary("Retry failed thumbnail or caption work");
        images.MapPost("/{id}/recaption", RecaptionAsync).RequireAuthorization(Rights.Write)
            .WithSummary("Make a new caption, optionally with another provider or model; the current one stays until it succeeds")
            .WithDescription("Optional JSON body { \"provider\": \"gemini\", \"model\": \"…\" }; without one the configured captioner runs. "
                + "An unknown or unconfigured provider, or an invalid model name, is a 400 problem.");
        images.MapDelete("/{id}", DeleteAsync).RequireAuthorization(Rights.Write).WithSummary("Delete the image and every object made from it");

        images.MapObjectEndpoints();
        images.MapSimilarApi();
        return app;
    }

    private static async Task<Results<Ok<ImageListDto>, ProblemHttpResult>> ListAsync(
        IImageCatalog catalog, HttpContext context, CancellationToken cancellationToken,
        string? cursor = null, int? limit = null, string? q = null, string? state = null, bool mine = false,
        string? review = null, string? provider = null, string? model = null, bool similar = false)
    {
        ImageId? before = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (!ImageId.TryParse(cursor, out var parsed)) return Problems.BadRequest($"cursor '{cursor}' is not valid: use the nextCursor of a previous page");
            before = parsed;
        }
        if (limit is < 1 or > MaxLimit) return Problems.BadRequest($"limit must be between 1 and {MaxLimit}");
        if (Query(context, q, state, mine, review, provider, model, similar, out var query) is { } problem) return problem;

        var page = await catalog.ListAsync(query! with { Before = before, Limit = limit ?? DefaultLimit }, cancellationToken);
        return TypedResults.Ok(new ImageListDto([.. page.Items.Select(ImageDto.From)], page.Next?.ToString()));
    }

    private static async Task<Results<Ok<CountDto>, ProblemHttpResult>> CountAsync(
        IImageCatalog catalog, HttpContext context, CancellationToken cancellationToken,
        string? q = null, string? state = null, bool mine = false, string? review = null, string? provider = null, string? model = null,
        bool similar = false) =>
        Query(context, q, state, mine, review, provider, model, similar, out var query) is { } problem
            ? problem
            : TypedResults.Ok(new CountDto(await catalog.CountAsync(query!, cancellationToken)));

    /// <summary>How many images a filter takes: <c>GET /api/images/count</c>.</summary>
    public sealed record CountDto(long Count);

    /// <summary>The filters a list and a count share, checked; a 400 problem when one is not valid.</summary>
    private static ProblemHttpResult? Query(
        HttpContext context, string? q, string? state, bool mine, string? review, string? provider, string? model, bool similar, out ImageQuery? query)
    {
        query = null;
        WorkState? wanted = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!WorkStates.TryParse(state, out var parsed)) return Problems.BadRequest($"state '{state}' is not one of pending, processing, done, failed");
            wanted = parsed;
        }
        if (q is { Length: > 200 }) return Problems.BadRequest("q is longer than 200 characters");
        if (!ReviewFilter.TryParse(review, out var reviewed, out var badReview))
            return Problems.BadRequest($"review '{badReview}' is not one of {ReviewFilter.Names} (a comma-separated list)");
        if (provider is { Length: > 100 } || model is { Length: > 200 }) return Problems.BadRequest("provider or model is too long");
        query = new ImageQuery(
            null, DefaultLimit, q, wanted, mine ? context.User.UserId() : null, reviewed,
            string.IsNullOrWhiteSpace(provider) ? null : provider.Trim(), string.IsNullOrWhiteSpace(model) ? null : model.Trim(), similar);
        return null;
    }

    private static async Task<Results<Ok<ImageDto>, ProblemHttpResult>> GetAsync(string id, IImageCatalog catalog, CancellationToken cancellationToken) =>
        await FindAsync(id, catalog, cancellationToken) is { } image ? TypedResults.Ok(ImageDto.From(image)) : NotFound(id);

    private static async Task<Results<Accepted<ImageDto>, ProblemHttpResult>> RetryAsync(string id, IImageCatalog catalog, HttpContext context, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, catalog, cancellationToken) is not { } image) return NotFound(id);
        // The catalog decides: of concurrent retries of one image, exactly one finds failed work.
        if (!await catalog.RetryAsync(image.Id, ObjectKeys.Raw(image.Id, image.Format), cancellationToken))
            return Problems.Of(StatusCodes.Status409Conflict, "Nothing to retry", $"image '{id}' has no failed work");
        await context.RecordAsync("image.retry", image.Id.ToString(), image.FileName);
        return await AcceptedAsync(image.Id, catalog, cancellationToken);
    }

    private static async Task<Results<Accepted<ImageDto>, ProblemHttpResult>> RecaptionAsync(
        string id, IImageCatalog catalog, Captioners captioners, HttpContext context, CancellationToken cancellationToken, RecaptionBody? body = null)
    {
        if (await FindAsync(id, catalog, cancellationToken) is not { } image) return NotFound(id);
        if (RecaptionsApi.Choose(body?.Provider, body?.Model, captioners, out var choice) is { } problem) return problem;
        await catalog.RecaptionAsync(image.Id, ObjectKeys.Raw(image.Id, image.Format), choice, cancellationToken);
        await context.RecordAsync("image.recaption", image.Id.ToString(), choice is null ? image.FileName : $"{image.FileName} with {choice.Provider ?? "the default"} {choice.Model}".TrimEnd());
        return await AcceptedAsync(image.Id, catalog, cancellationToken);
    }

    /// <summary>The optional body of <c>POST /api/images/{id}/recaption</c>.</summary>
    public sealed record RecaptionBody(string? Provider, string? Model);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IImageCatalog catalog, IObjectStore store, HttpContext context, CancellationToken cancellationToken)
    {
        if (!ImageId.TryParse(id, out var imageId)) return NotFound(id);
        // Row first: once it is gone no function will write for this image again (they check), and
        // a crash before the objects are gone leaves only unreachable files, never a broken row.
        if (await catalog.DeleteAsync(imageId, cancellationToken) is not { } image) return NotFound(id);
        foreach (var key in (string[])[ObjectKeys.Raw(image.Id, image.Format), ObjectKeys.Thumbnail(image.Id), .. ObjectKeys.Previews(image.Id)])
            await store.DeleteAsync(key, CancellationToken.None);
        await context.RecordAsync("image.delete", image.Id.ToString(), image.FileName);
        return TypedResults.NoContent();
    }

    internal static async Task<ImageRecord?> FindAsync(string id, IImageCatalog catalog, CancellationToken cancellationToken) =>
        ImageId.TryParse(id, out var imageId) ? await catalog.GetAsync(imageId, cancellationToken) : null;

    internal static ProblemHttpResult NotFound(string id) => Problems.ImageNotFound(id);

    private static async Task<Results<Accepted<ImageDto>, ProblemHttpResult>> AcceptedAsync(ImageId id, IImageCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.GetAsync(id, cancellationToken) is { } image
            ? TypedResults.Accepted($"/api/images/{id}", ImageDto.From(image))
            : NotFound(id.ToString());
}
