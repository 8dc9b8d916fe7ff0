using Annotator.Access;
using System.Diagnostics.Metrics;
using Annotator.Catalog;
using Annotator.Images;
using Annotator.Processing;
using Annotator.Storage;
using Annotator.Thumbnails;
using Microsoft.Extensions.Options;

namespace Annotator.Uploads;

/// <summary>
/// Accepts one uploaded file: checks it (format from the bytes, header, structure, limits) before
/// anything is stored, then writes raw/{id}{ext} and, in one transaction, the image row and its
/// ObjectCreated outbox entry. A refusal leaves nothing behind; so does a failure half way. The same bytes
/// again are answered with the image already there, whoever uploaded it (see <see cref="UploadOutcome"/>).
/// </summary>
public sealed class UploadService(IImageCatalog catalog, IObjectStore store, IThumbnailer thumbnailer, IOptions<UploadOptions> options, TimeProvider time)
{
    private static readonly Counter<long> Uploads = new Meter(ProcessingTelemetry.MeterName)
        .CreateCounter<long>("annotator.uploads", description: "Uploads by outcome (accepted, duplicate, or the refusal kind)");

    private readonly UploadOptions _options = options.Value;

    /// <param name="fileName">The name the client gave, kept as display text.</param>
    /// <param name="content">The whole file, seekable; the caller has already enforced the byte limit.</param>
    /// <param name="sha256">The file's SHA-256 in lowercase hex, taken while it streamed in (<see cref="HashingReadStream"/>).</param>
    /// <param name="uploader">The account uploading it, recorded with the image and, in the same transaction, in the audit log.</param>
    public async Task<UploadOutcome> AcceptAsync(string? fileName, Stream content, string sha256, CancellationToken cancellationToken, Uploader? uploader = null)
    {
        // The common case, a file sent again later, costs one indexed read and stores nothing.
        if (await catalog.FindByContentAsync(sha256, cancellationToken) is { } known) return Duplicate(known);

        ImageHeader header;
        ImageFacts facts;
        try
        {
            header = ImageInspector.Inspect(content, _options.MaxPixels);
            if (header.WholeImageBytes > _options.MaxDecodeBytes)
                throw new ImageRejectedException(RejectionKind.TooCostly,
                    $"decoding it would hold {header.WholeImageBytes / 1_000_000:N0} MB in memory at once, over the {_options.MaxDecodeBytes / 1_000_000:N0} MB this server gives one image: "
                    + (header.Format == ImageFormat.Jpeg ? "a progressive JPEG is decoded whole, save it as a baseline JPEG" : "an interlaced PNG is decoded whole, save it without interlacing"));
            if (!thumbnailer.CanDecode(header.Format))
                throw new ImageRejectedException(RejectionKind.Unsupported,
                    $"{header.Format.ToString().ToUpperInvariant()} images cannot be decoded on this server (it has no HEVC decoder); convert the photo to JPEG or AVIF");
            facts = FactsReader.Read(content) with { Frames = header.Frames };
        }
        catch (ImageRejectedException e)
        {
            Count(e.Kind.ToString());
            throw;
        }

        // HEIF containers carry their rotation in an irot box, which the inspector has applied already.
        var swap = facts.SwapsDimensions && header.Format is not (ImageFormat.Avif or ImageFormat.Heic);
        var id = ImageId.New();
        var key = ObjectKeys.Raw(id, header.Format);
        var image = new ImageRecord
        {
            Id = id,
            FileName = DisplayName.Clean(fileName),
            Format = header.Format,
            Width = swap ? header.Height : header.Width,
            Height = swap ? header.Width : header.Height,
            SizeBytes = content.Length,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()), // the catalog keeps milliseconds
            Facts = facts,
            UploaderId = uploader?.Id,
            UploaderName = uploader?.Name,
            ContentSha256 = sha256,
        };

        content.Position = 0;
        await store.PutAsync(key, content, header.Format.ContentType(), cancellationToken);
        var audit = uploader is null ? null : new AuditEntry(0, image.CreatedAt, uploader.Id, uploader.Name, "image.upload", id.ToString(), image.FileName, uploader.Address);
        // Concurrent uploads of one file all get past the read above; the catalog's unique rule lets one row in. The
        // losers wrote no row and no event (their transactions rolled back), and remove their own object here. A winner
        // deleted in between frees the content again, so the loser tries once more rather than answer with nothing.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Once the object is stored its row is written even if the request's time runs out now: the answer
                // then lists the image, instead of an object left without its row.
                image = await catalog.AddAsync(image, key, audit, CancellationToken.None);
                break;
            }
            catch (DuplicateContentException) when (attempt < 3)
            {
                ImageRecord? winner;
                try
                {
                    winner = await catalog.FindByContentAsync(sha256, CancellationToken.None);
                }
                catch
                {
                    await store.DeleteAsync(key, CancellationToken.None);
                    throw;
                }
                if (winner is null) continue;
                await store.DeleteAsync(key, CancellationToken.None);
                return Duplicate(winner);
            }
            catch
            {
                await store.DeleteAsync(key, CancellationToken.None);
                throw;
            }
        }
        ProcessingTelemetry.Stored(image.Id);
        Count("accepted");
        return new UploadOutcome(image, false); // as the catalog stamped it (its feed version and time), so the answer orders like every later copy
    }

    private static UploadOutcome Duplicate(ImageRecord existing)
    {
        Count("duplicate");
        return new UploadOutcome(existing, true);
    }

    private static void Count(string outcome) => Uploads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
