using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Annotator.Images;

/// <summary>The rejections every inspector shares, worded the same way for every format.</summary>
internal static class Reject
{
    public static ImageRejectedException Damaged(string reason) => new(RejectionKind.Damaged, reason);

    /// <summary>
    /// Refuses a zero-sized image or one over the pixel limit. Called as soon as a header gives the size,
    /// before the rest of the file is read, so a decompression bomb costs only its header.
    /// </summary>
    /// <param name="what">"the PNG", "the GIF" ...: names the file in the zero-size message.</param>
    public static void CheckSize(string what, long width, long height, long maxPixels)
    {
        if (width <= 0 || height <= 0)
            throw Damaged($"{what} is damaged: it declares a size of {width}×{height} pixels");
        var pixels = (ulong)width * (ulong)height; // both fit in 32 bits, so this cannot overflow
        if (pixels > (ulong)maxPixels || width > int.MaxValue || height > int.MaxValue)
            throw TooManyPixels($"the image declares {width}×{height}", pixels, maxPixels);
    }

    /// <param name="declares">How the image claims the size, e.g. "the image declares 60000×60000".</param>
    public static ImageRejectedException TooManyPixels(string declares, ulong pixels, long maxPixels) =>
        new(RejectionKind.TooManyPixels,
            $"{declares} ({Megapixels(pixels)} megapixels), over the {Megapixels((ulong)maxPixels)} megapixel limit");

    /// <summary>A chunk or box type as text, built only for a refusal so the happy path allocates no strings.</summary>
    public static string FourCC(uint type)
    {
        Span<byte> name = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(name, type);
        foreach (ref var b in name)
            if (b is < 0x20 or > 0x7E) b = (byte)'?';
        return Encoding.ASCII.GetString(name);
    }

    // 3,600 for big numbers; 0.5 or 12.3 where a whole number would hide the size.
    private static string Megapixels(ulong pixels)
    {
        var megapixels = pixels / 1_000_000.0;
        return megapixels >= 100
            ? megapixels.ToString("N0", CultureInfo.InvariantCulture)
            : megapixels.ToString("0.#", CultureInfo.InvariantCulture);
    }
}
