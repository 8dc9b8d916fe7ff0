using Annotator.Catalog;
using Annotator.Server.Access;
using Annotator.Thumbnails;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Annotator.Server.Api;

/// <summary><c>GET /api/images/{id}/similar</c>: the image's near-duplicates by perceptual hash, nearest first.</summary>
public static class SimilarApi
{
    public const int MaxLimit = 100;

    public static RouteGroupBuilder MapSimilarApi(this RouteGroupBuilder images)
    {
        images.MapGet("/{id}/similar", SimilarAsync).RequireAuthorization(Rights.Read)
            .WithSummary($"Photos like this one (re-encoded, resized, lightly cropped): perceptual hashes at most maxDistance bits apart (default {PerceptualHash.SimilarDistance} of 64), nearest first")
            .CacheOutput(ListCachePolicy.Instance);
        return images;
    }

    private static async Task<Results<Ok<SimilarListDto>, ProblemHttpResult>> SimilarAsync(
        string id, IImageCatalog catalog, CancellationToken cancellationToken, int? maxDistance = null, int? limit = null)
    {
        if (maxDistance is < 0 or > 32) return Problems.BadRequest("maxDistance must be between 0 and 32 bits");
        if (limit is < 1 or > MaxLimit) return Problems.BadRequest($"limit must be between 1 and {MaxLimit}");
        if (await ImagesApi.FindAsync(id, catalog, cancellationToken) is not { } image) return ImagesApi.NotFound(id);
        var similar = await catalog.FindSimilarAsync(image.Id, maxDistance ?? PerceptualHash.SimilarDistance, limit ?? 24, cancellationToken);
        return TypedResults.Ok(new SimilarListDto(image.PerceptualHash is not null, [.. similar.Select(s => new SimilarDto(s.Distance, ImageDto.From(s.Image)))]));
    }

    /// <param name="Hashed">False until the image's thumbnail is made: nothing can be compared yet.</param>
    public sealed record SimilarListDto(bool Hashed, IReadOnlyList<SimilarDto> Items);

    /// <summary>A near-duplicate and how many of the 64 hash bits differ.</summary>
    public sealed record SimilarDto(int Distance, ImageDto Image);
}
