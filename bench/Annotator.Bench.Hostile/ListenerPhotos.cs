namespace Annotator.Bench.Hostile;

/// <summary>
/// The 20 real photos of the live-stream runs: the test data's ordinary JPEGs (0.16–4.4 MB, 0.3–20 MP) and the
/// same picture as PNG and WebP. Each is a distinct upload, so each makes its own run of changes.
/// </summary>
public static class ListenerPhotos
{
    public static readonly IReadOnlyList<string> Names =
    [
        "exif-landscape-1.jpg", "exif-landscape-2.jpg", "exif-landscape-3.jpg", "exif-landscape-4.jpg",
        "exif-landscape-5.jpg", "exif-landscape-6.jpg", "exif-landscape-7.jpg", "exif-landscape-8.jpg",
        "exif-portrait-6.jpg", "exif-portrait-8.jpg", "phone-jolla.jpg", "phone-iphone.jpg", "phone-nokia.jpg",
        "camera-canon.jpg", "canon-18mp-dark.jpg", "large-kleiber-20mp.jpg", "nikon-gps.jpg", "trailcam-reconyx.jpg",
        "photo-jolla.png", "photo-jolla.webp",
    ];
}
