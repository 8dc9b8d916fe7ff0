using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;
using Annotator.Thumbnails;
using Annotator.Uploads;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Annotator.Server.Access;

namespace Annotator.Server.Api;

/// <summary>
/// The stored bytes: the original (with Range support) and the derived images (cached forever,
/// their URLs change when they are remade). Always the sniffed type, never the upload's claim, and
/// nosniff plus a sandboxing CSP from <see cref="Web.SecurityHeaders"/>, so no upload is ever rendered as a page.
/// </summary>
public static class ObjectEndpoints
{
    // Private: behind accounts, a shared cache (a proxy, a CDN) must not hand one person's photo to another.
    private const string Forever = "private, max-age=31536000, immutable";

    public static RouteGroupBuilder MapObjectEndpoints(this RouteGroupBuilder images)
    {
        images.MapGet("/{id}/original", OriginalAsync).RequireAuthorization(Rights.Read).WithSummary("The original file as uploaded; Range requests supported; ?download=true to save it");
        images.MapGet("/{id}/thumbnail", (string id, IImageCatalog c, IObjectStore s, HttpContext h, CancellationToken t) =>
                DerivedAsync(id, i => [(ObjectKeys.Thumbnail(i), "image/webp")], c, s, h, t)).RequireAuthorization(Rights.Read)
            .WithSummary("The gallery thumbnail (WebP, longest side 256)");
        images.MapGet("/{id}/preview", (string id, IImageCatalog c, IObjectStore s, IOptions<ThumbnailOptions> o, HttpContext h, CancellationToken t) =>
                DerivedAsync(id, i => Previews(i, o.Value.PreviewFormat), c, s, h, t)).RequireAuthorization(Rights.Read)
            .WithSummary("The large preview (JPEG, or WebP as configured or as made before; longest side 1440)");
        return images;
    }

    private static async Task<IResult> OriginalAsync(string id, IImageCatalog catalog, IObjectStore store, HttpContext http, CancellationToken cancellationToken, bool download = false)
    {
        if (await ImagesApi.FindAsync(id, catalog, cancellationToken) is not { } image) return ImagesApi.NotFound(id);
        var stored = await store.OpenReadAsync(ObjectKeys.Raw(image.Id, image.Format), cancellationToken);
        if (stored is null) return Problems.NotFound($"the original of image '{id}' is missing from storage");
        http.Response.Headers.CacheControl = Forever; // an id's original never changes
        // Ranges are in bytes or not at all: a range of another unit ("items=0-1") is ignored (RFC 9110 §14.2).
        if (http.Request.Headers.Range.ToString() is { Length: > 0 } range && !range.TrimStart().StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
            http.Request.Headers.Range = default;
        return TypedResults.Stream(stored.Content, image.Format.ContentType(),
            fileDownloadName: download ? DownloadName(image) : null,
            lastModified: image.CreatedAt,
            entityTag: new EntityTagHeaderValue($"\"{image.Id}\""),
            enableRangeProcessing: true);
    }

    /// <summary>The configured format's key first; an image made before the setting changed has only the other.</summary>
    private static (string Key, string ContentType)[] Previews(ImageId id, string format) =>
        [(ObjectKeys.Preview(id, format), PreviewFormat.ContentType(format)), (ObjectKeys.Preview(id, PreviewFormat.Other(format)), PreviewFormat.ContentType(PreviewFormat.Other(format)))];

    private static async Task<IResult> DerivedAsync(
        string id, Func<ImageId, (string Key, string ContentType)[]> candidates, IImageCatalog catalog, IObjectStore store, HttpContext http, CancellationToken cancellationToken)
    {
        if (await ImagesApi.FindAsync(id, catalog, cancellationToken) is not { } image) return ImagesApi.NotFound(id);
        if (image.Thumbnail.State != WorkState.Done || image.Thumbnail.FinishedAt is not { } made)
            return Problems.NotFound($"image '{id}' has no thumbnail yet (thumbnail state: {image.Thumbnail.State.Name()})");
        foreach (var (key, contentType) in candidates(image.Id))
        {
            if (await store.OpenReadAsync(key, cancellationToken) is not { } stored) continue;
            http.Response.Headers.CacheControl = Forever;
            return TypedResults.Stream(stored.Content, contentType,
                lastModified: made,
                entityTag: new EntityTagHeaderValue($"\"{image.Id}-{made.ToUnixTimeMilliseconds()}\""));
        }
        return Problems.NotFound($"the thumbnail of image '{id}' is missing from storage");
    }

    /// <summary>The display name with the real format's extension, so a saved file opens as what it is.</summary>
    private static string DownloadName(ImageRecord image)
    {
        var stem = Path.GetFileNameWithoutExtension(DisplayName.Clean(image.FileName).Replace('/', '_').Replace('\\', '_'));
        return (stem.Length == 0 ? image.Id.ToString() : stem) + image.Format.Extension();
    }
}
