using System.Buffers;
using System.Buffers.Binary;

namespace Annotator.Images;

/// <summary>
/// HEIF container (AVIF and HEIC), an ISO base media file: 'ftyp' first, then boxes that must each
/// fit inside the file (a cut-off upload shows as a box, usually 'mdat', running past the end).
/// The size comes from the primary image's properties in 'meta' (see <see cref="HeifMeta"/>).
/// </summary>
internal static class HeifInspector
{
    private const uint Ftyp = 0x66747970, Meta = 0x6D657461;

    // 'meta' is a few KB (item list, properties, locations); the cap stops a hostile size from
    // making us rent a huge buffer.
    private const int MaxMetaBytes = 16 * 1024 * 1024;

    private enum Family { Avif, Heic, Either }

    public static ImageHeader Inspect(ImageReader reader, long maxPixels)
    {
        var family = Family.Either;
        var name = "the HEIF image";
        HeifMeta.Primary? primary = null;
        for (long at = 0; at < reader.Length;)
        {
            reader.Seek(at);
            var (type, size, body) = BoxHeader(reader, name);
            if (at == 0)
            {
                if (type != Ftyp) throw Reject.Damaged($"{name} is damaged: it does not start with its file-type ('ftyp') box");
                family = ReadBrands(reader, body);
                name = family switch { Family.Avif => "the AVIF", Family.Heic => "the HEIC", _ => name };
            }
            else if (type == Meta)
            {
                if (primary is not null) throw Reject.Damaged($"{name} is damaged: it has two metadata ('meta') boxes");
                primary = ReadMeta(reader, body, name, maxPixels);
            }
            at += size;
        }
        if (primary is not { } image)
            throw Reject.Damaged($"{name} is damaged: it has no metadata ('meta') box, so no still image");

        var format = family switch
        {
            Family.Avif => ImageFormat.Avif,
            Family.Heic => ImageFormat.Heic,
            // Only the generic 'mif1' brand: the primary item's codec decides. A grid's tiles carry the codec.
            _ => image.ItemType == HeifMeta.Av01 || (image.ItemType == HeifMeta.Grid && image.AnyAv01) ? ImageFormat.Avif
                : image.ItemType == HeifMeta.Hvc1 || (image.ItemType == HeifMeta.Grid && image.AnyHvc1) ? ImageFormat.Heic
                : throw new ImageRejectedException(RejectionKind.Unsupported,
                    $"HEIF with '{Reject.FourCC(image.ItemType).TrimEnd()}' images is not a supported format {OtherFormats.Accepted}"),
        };
        return new ImageHeader(format, image.Width, image.Height);
    }

    /// <summary>Reads a box header and checks the box fits in the file; returns the whole box size and the body size.</summary>
    private static (uint Type, long Size, long Body) BoxHeader(ImageReader reader, string name)
    {
        reader.Truncation = $"{name} is truncated: it ends inside a box header";
        var start = reader.Position;
        var header = reader.Read(8);
        long size = BinaryPrimitives.ReadUInt32BigEndian(header);
        var type = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        var headerSize = 8;
        if (size == 1)
        {
            var large = BinaryPrimitives.ReadUInt64BigEndian(reader.Read(8));
            size = large > long.MaxValue ? long.MaxValue : (long)large;
            headerSize = 16;
        }
        else if (size == 0) size = reader.Length - start; // "to the end of the file"
        // A 64-bit size past 4 GB in a file the upload limit let through is no cut-off file, it is nonsense.
        if (size < headerSize || headerSize == 16 && size > uint.MaxValue && size > reader.Length - start)
            throw Reject.Damaged($"{name} is damaged: its '{Reject.FourCC(type)}' box declares an impossible size of {size:N0} bytes");
        if (size > reader.Length - start)
            throw Reject.Damaged($"{name} is truncated: its '{Reject.FourCC(type)}' box needs {size:N0} bytes but only {reader.Length - start:N0} remain");
        return (type, size, size - headerSize);
    }

    /// <summary>Which family the brands say the file is; refuses MP4/QuickTime videos and other ISO media.</summary>
    private static Family ReadBrands(ImageReader reader, long length)
    {
        if (length < 8 || length > 4096) throw Reject.Damaged("the HEIF image is damaged: its file-type ('ftyp') box is malformed");
        var ftyp = reader.Read((int)length);
        bool avif = false, heic = false, generic = false, video = false, canonRaw = false;
        // The major brand (offset 0), the minor version (4, skipped), then the compatible brands.
        for (var i = 0; i + 4 <= ftyp.Length; i += i == 0 ? 8 : 4)
        {
            var brand = ftyp.Slice(i, 4);
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)) avif = true;
            else if (IsHeicBrand(brand)) heic = true;
            else if (brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8)) generic = true;
            else if (brand.SequenceEqual("crx "u8)) canonRaw = true;
            else if (IsVideoBrand(brand)) video = true;
        }
        if (avif) return Family.Avif;
        if (heic) return Family.Heic;
        if (generic) return Family.Either;
        if (canonRaw) throw new ImageRejectedException(RejectionKind.Unsupported, $"Canon CR3 raw is not a supported format {OtherFormats.Accepted}");
        throw new ImageRejectedException(RejectionKind.NotAnImage,
            video ? "not an image: the file is an MP4 or QuickTime video" : "not an image: unrecognised format");
    }

    private static bool IsHeicBrand(ReadOnlySpan<byte> brand) =>
        brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("heim"u8)
        || brand.SequenceEqual("heis"u8) || brand.SequenceEqual("hevc"u8) || brand.SequenceEqual("hevx"u8);

    // MP4, QuickTime, 3GPP and friends share the container; naming them beats "unrecognised".
    private static bool IsVideoBrand(ReadOnlySpan<byte> brand) =>
        brand.StartsWith("iso"u8) || brand.StartsWith("mp4"u8) || brand.StartsWith("3g"u8) || brand.StartsWith("M4"u8)
        || brand.SequenceEqual("qt  "u8) || brand.SequenceEqual("avc1"u8) || brand.SequenceEqual("f4v "u8) || brand.SequenceEqual("dash"u8);

    private static HeifMeta.Primary ReadMeta(ImageReader reader, long length, string name, long maxPixels)
    {
        if (length > MaxMetaBytes)
            throw Reject.Damaged($"{name} is damaged: its metadata box declares {length:N0} bytes, far more than any real image needs");
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            reader.ReadExactly(buffer.AsSpan(0, (int)length));
            return new HeifMeta(name).Read(buffer.AsSpan(0, (int)length), maxPixels);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
