namespace Annotator.Bench;

/// <summary>The benchmark photos: the real 8–20 megapixel camera and phone JPEGs of the shared test data.</summary>
public static class Photos
{
    public static readonly string[] Names = ["phone-jolla.jpg", "phone-iphone.jpg", "phone-nokia.jpg", "canon-18mp-dark.jpg", "large-kleiber-20mp.jpg"];

    public static string Folder =>
        Environment.GetEnvironmentVariable("ANNOTATOR_TESTDATA") is { Length: > 0 } root
            ? Path.Combine(root, "images")
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/testdata/images"));

    public static string[] Paths => [.. Names.Select(n => Path.Combine(Folder, n))];
}
