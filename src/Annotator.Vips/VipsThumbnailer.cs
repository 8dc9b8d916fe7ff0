using Annotator.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetVips;

namespace Annotator.Thumbnails;

/// <summary>
/// Thumbnails with libvips: shrink-on-load (JPEG, WebP and HEIF decode at a fraction of full size),
/// streaming, EXIF auto-rotation, conversion to sRGB, and no metadata in the output, so a photo's
/// GPS position never reaches a thumbnail. Runs on <see cref="LowPriorityThreads"/>, within
/// <see cref="ThumbnailOptions.Timeout"/> per image: libvips is told to stop (its kill flag) when time is up.
/// </summary>
public sealed class VipsThumbnailer : IThumbnailer
{
    /// <summary>The largest embedded thumbnail the describer's sample is read from (cameras embed 160 to 640 px, iPhones 320 in a HEIC).</summary>
    private const int MaxEmbeddedThumbnailEdge = 1024;

    /// <summary>Images above this size are heavy work: decoded one at a time, never on the threads kept for ordinary photos.</summary>
    public const long HeavyPixels = 40_000_000;

    private readonly ThumbnailOptions _options;
    private readonly LowPriorityThreads _cpu;

    public VipsThumbnailer(IOptions<ThumbnailOptions> options, LowPriorityThreads cpu, ILogger<VipsThumbnailer> logger)
    {
        _options = options.Value;
        _cpu = cpu;
        VipsSetup.Apply(logger);
    }

    public bool CanDecode(Images.ImageFormat format) => VipsFormatSupport.CanDecode(format);

    public Task<ThumbnailSet> CreateThumbnailsAsync(Stream original, long pixels, CancellationToken cancellationToken) => DecodeAsync(deadline =>
    {
        // Decode once at preview size, keep it in memory, and make the small thumbnail from that. The thumbnail is
        // kept in memory too: it is read twice (its encode and the hash), and a libvips image that is not would be
        // resized from the preview again for the second.
        using var preview = Load(original, _options.PreviewEdge, deadline);
        using var shrunk = preview.ThumbnailImage(_options.Edge, height: _options.Edge, size: Enums.Size.Down);
        using var thumbnail = shrunk.CopyMemory();
        return new ThumbnailSet(Webp(thumbnail, effort: 4), _options.PreviewFormat == PreviewFormat.Webp ? Webp(preview, effort: 0) : Jpeg(preview, _options.Quality), Hash(thumbnail));
    }, pixels, cancellationToken);

    /// <summary>
    /// The perceptual hash of the thumbnail's pixels, already oriented and in memory: on a white background (a cut-out's
    /// transparent parts hash as the page shows them), grey, squeezed to 32×32 whatever its shape.
    /// </summary>
    private static long Hash(Image thumbnail)
    {
        using var flat = thumbnail.HasAlpha() ? thumbnail.Flatten(background: [255, 255, 255]) : thumbnail.Copy();
        using var grey = flat.Colourspace(Enums.Interpretation.Bw);
        using var small = grey.ThumbnailImage(PerceptualHash.Side, height: PerceptualHash.Side, size: Enums.Size.Force);
        using var oneBand = small.Bands > 1 ? small.ExtractBand(0) : small.Copy();
        using var bytes = oneBand.Cast(Enums.BandFormat.Uchar);
        return PerceptualHash.Of(bytes.WriteToMemory<byte>());
    }

    public Task<long> HashThumbnailAsync(Stream thumbnail, CancellationToken cancellationToken) => DecodeAsync(deadline =>
    {
        using var image = Load(thumbnail, _options.Edge, deadline);
        return Hash(image);
    }, pixels: (long)_options.Edge * _options.Edge, cancellationToken);

    public Task<EncodedImage> CreateCaptionImageAsync(Stream original, long pixels, int maxEdge, CancellationToken cancellationToken) => DecodeAsync(deadline =>
    {
        using var image = Load(original, maxEdge, deadline);
        return Jpeg(image, quality: 85);
    }, pixels, cancellationToken);

    public Task<PixelSample> CreateSampleAsync(Stream original, long pixels, CancellationToken cancellationToken) => DecodeAsync(deadline =>
    {
        using var image = EmbeddedThumbnail(original) ?? Load(original, PixelSample.MaxEdge, deadline);
        using var flat = image.HasAlpha() ? image.Flatten(background: [255, 255, 255]) : image.Copy();
        using var rgb = flat.Bands > 3 ? flat.ExtractBand(0, n: 3) : flat.Copy(); // Load made it sRGB: three bands, or more
        return new PixelSample(rgb.WriteToMemory<byte>(), rgb.Width, rgb.Height);
    }, pixels, cancellationToken);

    /// <summary>
    /// The small JPEG most cameras and phones embed in a photo's EXIF (IFD1, often 160×120), upright, 8-bit sRGB and at
    /// most <see cref="PixelSample.MaxEdge"/>: enough for the describer's sample, for none of the cost of entropy-decoding
    /// the whole photo, which even at 1/8 scale takes 30 ms on an 8 MP phone photo and 50 ms at 20 MP. Only one with the
    /// photo's shape is used: a camera that pads a 3:2 photo into a 4:3 thumbnail with black bars, or an editor that
    /// cropped the photo and kept the old thumbnail, gets the photo itself decoded. (An editor that changed the colours
    /// and kept the old thumbnail cannot be told apart: the describer then sees the photo as it was.)
    /// </summary>
    private static Image? EmbeddedThumbnail(Stream original) =>
        IsJpeg(original) ? JpegThumbnail(original) : IsHeicLibvipsCannotDecode(original) ? HeicThumbnailImage(original) : null;

    private static Image? JpegThumbnail(Stream original)
    {
        try
        {
            byte[] data;
            int width, height, orientation;
            using (var header = Image.NewFromStream(original, access: Enums.Access.Sequential))
            {
                if (!header.Contains("jpeg-thumbnail-data")) return null;
                data = (byte[])header.Get("jpeg-thumbnail-data");
                (width, height) = (header.Width, header.Height);
                orientation = header.Contains("orientation") ? (int)header.Get("orientation") : 1;
            }
            using var thumbnail = Image.JpegloadBuffer(data, failOn: Enums.FailOn.Error); // its header only, so far
            // Nothing checked its size at upload: a few KB of JPEG can claim 65,535 px a side. Real ones are at most 640.
            if (!StandsFor(thumbnail.Width, thumbnail.Height, width, height) || thumbnail.Bands is not (1 or 3)) return null;
            // The thumbnail is stored as the photo's pixels are, and shown as the photo's orientation says.
            using var tagged = thumbnail.Mutate(m => m.Set(GValue.GIntType, "orientation", orientation));
            using var upright = tagged.ThumbnailImage(PixelSample.MaxEdge, height: PixelSample.MaxEdge, size: Enums.Size.Down);
            using var srgb = upright.Interpretation == Enums.Interpretation.Srgb ? upright.Copy() : upright.Colourspace(Enums.Interpretation.Srgb);
            return srgb.CopyMemory();
        }
        catch (VipsException)
        {
            return null; // a damaged thumbnail: the photo itself is decoded, and says what is wrong with it
        }
        finally
        {
            original.Position = 0;
        }
    }

    /// <summary>
    /// A HEIC's own thumbnail (<see cref="Images.HeifThumbnail"/>), upright (libheif applies its rotation), sRGB, at most
    /// <see cref="PixelSample.MaxEdge"/>; null when it has none fit to stand for the photo.
    /// </summary>
    private static Image? HeicThumbnailImage(Stream original)
    {
        try
        {
            var file = new byte[original.Length]; // ImageMagick reads a HEIC whole too, to decode the photo itself
            original.ReadExactly(file);
            if (Images.HeifThumbnail.Extract(file) is not { } found || !StandsFor(found.Width, found.Height, found.PhotoWidth, found.PhotoHeight)) return null;
            using var decoded = HeicDecoder.Decode(new MemoryStream(found.Heif));
            using var shrunk = decoded.ThumbnailImage(PixelSample.MaxEdge, height: PixelSample.MaxEdge, size: Enums.Size.Down);
            using var srgb = shrunk.Contains("icc-profile-data") ? shrunk.IccTransform("srgb", embedded: true, intent: Enums.Intent.Perceptual) : shrunk.Copy();
            return srgb.CopyMemory();
        }
        catch (Exception e) when (e is ImageDecodeException or VipsException)
        {
            return null; // a damaged thumbnail: the photo itself is decoded, and says what is wrong with it
        }
        finally
        {
            original.Position = 0;
        }
    }

    /// <summary>
    /// Whether an embedded thumbnail may stand for the photo in the sample: the photo's shape (within 2%), and a longest side
    /// from <see cref="PixelSample.MaxEdge"/> to <see cref="MaxEmbeddedThumbnailEdge"/>.
    /// </summary>
    private static bool StandsFor(long width, long height, long photoWidth, long photoHeight) =>
        Math.Abs((double)width * photoHeight - (double)height * photoWidth) <= 0.02 * height * photoWidth
        && Math.Max(width, height) is >= PixelSample.MaxEdge and <= MaxEmbeddedThumbnailEdge;

    /// <summary>Baseline (not progressive) JPEG without metadata; JPEG has no alpha, so transparency shows as the page's white.</summary>
    private static EncodedImage Jpeg(Image image, int quality)
    {
        using var flat = image.HasAlpha() ? image.Flatten(background: [255, 255, 255]) : image.Copy();
        return new EncodedImage(flat.JpegsaveBuffer(q: quality, keep: Enums.ForeignKeep.None, interlace: false), flat.Width, flat.Height);
    }

    /// <summary>Decodes to at most <paramref name="edge"/> on the longest side, 8-bit sRGB, fully in memory.</summary>
    private static Image Load(Stream original, int edge, CancellationToken deadline)
    {
        original.Position = 0;
        // No output_profile here: asking thumbnail for one colour-manages every image, even those
        // without a profile, and costs five times the decode. Only embedded profiles need converting,
        // and that is done after the shrink, on few pixels.
        var image = IsHeicLibvipsCannotDecode(original) ? Shrunk(HeicDecoder.Decode(original), edge)
            : IsJpeg(original) ? JpegShrunkOnLoad(original, edge)
            : Image.ThumbnailStream(original, edge, height: edge, size: Enums.Size.Down, failOn: Enums.FailOn.Error);
        try
        {
            if (image.Contains("icc-profile-data")) image = Replace(image, image.IccTransform("srgb", embedded: true, intent: Enums.Intent.Perceptual));
            if (image.Interpretation != Enums.Interpretation.Srgb) image = Replace(image, image.Colourspace(Enums.Interpretation.Srgb));
            if (image.Format != Enums.BandFormat.Uchar) image = Replace(image, image.Cast(Enums.BandFormat.Uchar));
            // Pull every pixel now: decoding errors surface here, inside our error handling, not in a later save.
            // libvips checks the image's kill flag between tiles; the registration ends before the image does.
            Image copy;
            using (deadline.Register(() => image.SetKill(true))) copy = image.CopyMemory();
            return Replace(image, copy);
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A JPEG decodes at 1/2, 1/4 or 1/8 of its size inside the DCT, for a fraction of a whole decode. libvips' thumbnail
    /// leaves at least a factor of two to its own resize, for sharpness, so it decodes a 5184 px photo whole to make it
    /// 1440 px. Like sharp (its default fastShrinkOnLoad), take the smallest scale that still gives
    /// <paramref name="edge"/> pixels, and resize the rest: on such photos the decode costs 40% less.
    /// </summary>
    private static Image JpegShrunkOnLoad(Stream original, int edge)
    {
        int longest;
        using (var header = Image.NewFromStream(original, access: Enums.Access.Sequential)) longest = Math.Max(header.Width, header.Height);
        original.Position = 0;
        var shrink = 8;
        while (shrink > 1 && longest / shrink < edge) shrink /= 2;
        using var loaded = Image.JpegloadStream(original, shrink: shrink, failOn: Enums.FailOn.Error, access: Enums.Access.Sequential);
        return loaded.ThumbnailImage(edge, height: edge, size: Enums.Size.Down); // and upright, by its EXIF orientation
    }

    private static bool IsJpeg(Stream original)
    {
        Span<byte> start = stackalloc byte[3];
        var jpeg = original.ReadAtLeast(start, 3, throwOnEndOfStream: false) == 3 && start.SequenceEqual((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);
        original.Position = 0;
        return jpeg;
    }

    private static bool IsHeicLibvipsCannotDecode(Stream original)
    {
        if (VipsFormatSupport.VipsDecodesHeic) return false;
        Span<byte> start = stackalloc byte[8];
        var isoMedia = original.ReadAtLeast(start, 8, throwOnEndOfStream: false) == 8 && start[4..].SequenceEqual("ftyp"u8);
        original.Position = 0;
        if (!isoMedia) return false;
        // AVIF shares the container (and often the brands): the primary image's codec tells them apart.
        try
        {
            return Images.ImageInspector.Inspect(original, long.MaxValue).Format == Images.ImageFormat.Heic;
        }
        catch (Images.ImageRejectedException e)
        {
            throw new ImageDecodeException(e.Message, e); // damaged since its upload was checked: say how
        }
        finally
        {
            original.Position = 0;
        }
    }

    private static Image Shrunk(Image image, int edge) =>
        Math.Max(image.Width, image.Height) <= edge ? image : Replace(image, image.ThumbnailImage(edge, height: edge, size: Enums.Size.Down));

    private static Image Replace(Image old, Image next)
    {
        old.Dispose();
        return next;
    }

    // A WebP preview is opened one at a time and is large: encode it fast. Thumbnails load by the dozen
    // and are small: spend the effort on making them smaller.
    private EncodedImage Webp(Image image, int effort) =>
        new(image.WebpsaveBuffer(q: _options.Quality, keep: Enums.ForeignKeep.None, effort: effort), image.Width, image.Height);

    private Task<T> DecodeAsync<T>(Func<CancellationToken, T> work, long pixels, CancellationToken cancellationToken) => _cpu.RunAsync(() =>
    {
        // The time limit starts when the work does, not while it waits for a thread.
        using var deadline = new CancellationTokenSource(_options.Timeout);
        try
        {
            return work(deadline.Token);
        }
        catch (VipsException e) when (deadline.IsCancellationRequested)
        {
            throw new ImageDecodeException($"decoding took longer than the {_options.Timeout.TotalSeconds:0.#} s limit for one image", e);
        }
        catch (VipsException e)
        {
            throw new ImageDecodeException(VipsErrors.Describe(e), e);
        }
    }, heavy: pixels > HeavyPixels, cancellationToken);
}
