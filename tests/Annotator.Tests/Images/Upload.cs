using Annotator.Images;

namespace Annotator.Tests.Images;

/// <summary>Runs the inspector over bytes built or altered in a test, as an upload would arrive.</summary>
internal static class Upload
{
    public static ImageHeader Inspect(byte[] bytes, long maxPixels = ImageInspectorTests.Limit) =>
        ImageInspector.Inspect(new MemoryStream(bytes, writable: false), maxPixels);

    public static ImageRejectedException Refuse(byte[] bytes, long maxPixels = ImageInspectorTests.Limit) =>
        Assert.Throws<ImageRejectedException>(() => Inspect(bytes, maxPixels));

    /// <summary>The first <paramref name="length"/> bytes: an upload cut off part way.</summary>
    public static byte[] Cut(byte[] bytes, long length) => bytes[..(int)length];

    public static int IndexOf(byte[] bytes, ReadOnlySpan<byte> what, int from = 0) => bytes.AsSpan(from).IndexOf(what) + from;
}
