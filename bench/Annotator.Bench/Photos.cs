namespace Annotator.Bench;

/// <summary>The benchmark photos: the real 8–20 megapixel camera and phone JPEGs of the test data.</summary>
public static class Photos
{
    public static readonly string[] Names = ["phone-jolla.jpg", "phone-iphone.jpg", "phone-nokia.jpg", "canon-18mp-dark.jpg", "large-kleiber-20mp.jpg"];

    /// <summary>ANNOTATOR_TESTDATA, or the repository's tests/testdata (found above wherever BenchmarkDotNet runs us).</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("ANNOTATOR_TESTDATA") is { Length: > 0 } root
            ? Path.Combine(root, "images")
            : Path.Combine(RepositoryRoot(), "tests", "testdata", "images");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Annotator.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("Annotator.slnx not found above " + AppContext.BaseDirectory);
    }

    public static string[] Paths => [.. Names.Select(n => Path.Combine(Folder, n))];
}
