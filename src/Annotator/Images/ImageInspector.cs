// TEMPORARY STUB until the inspectors branch merges. DO NOT COMMIT.
namespace Annotator.Images;
public static class ImageInspector
{
    public static ImageHeader Inspect(Stream content, long maxPixels)
    {
        content.Position = 0;
        using var im = NetVips.Image.NewFromStream(content, access: NetVips.Enums.Access.Sequential);
        return new ImageHeader(ImageFormat.Jpeg, im.Width, im.Height);
    }
}
