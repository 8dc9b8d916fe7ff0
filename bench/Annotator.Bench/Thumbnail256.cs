using NetVips;

namespace Annotator.Bench;

/// <summary>
/// The 256 px box thumbnail alone, with the same libvips calls and settings as Annotator's pipeline
/// (shrink-on-load, EXIF rotation, no metadata, WebP effort 4; these photos carry no ICC profile): the figure that sharp, Pillow
/// and vipsthumbnail are compared on. The product's CreateThumbnail also makes a 1440 px preview.
/// </summary>
public static class Thumbnail256
{
    public static byte[] Make(byte[] photo)
    {
        using var image = Image.ThumbnailBuffer(photo, 256, height: 256, size: Enums.Size.Down, failOn: Enums.FailOn.Error);
        return image.WebpsaveBuffer(q: 80, keep: Enums.ForeignKeep.None, effort: 4);
    }
}
