namespace Annotator.Testing;

/// <summary>
/// Finds the test photos and broken files: tests/testdata in the repository (sources and licences in
/// its SOURCES.md), or the folder named by ANNOTATOR_TESTDATA.
/// </summary>
public static class TestData
{
    // RepositoryRoot first: static initialisers run in declaration order.
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Root { get; } = Locate();

    public static string Image(string name) => Path.Combine(Root, "images", name);

    public static string Bad(string name) => Path.Combine(Root, "bad", name);

    private static readonly string DistinctFolder = MakeDistinctFolder();

    private static string MakeDistinctFolder()
    {
        var folder = Directory.CreateTempSubdirectory("annotator-distinct-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    }

    /// <summary>
    /// A copy of the JPEG photo <paramref name="name"/> that no other call returns: a comment segment naming the copy
    /// after its start marker, pixels and metadata unchanged. For tests that need a new photo each time, since the
    /// server answers the same bytes again with the image it already has.
    /// </summary>
    public static string Distinct(string name)
    {
        var bytes = File.ReadAllBytes(Image(name));
        if (bytes is not [0xFF, 0xD8, ..]) throw new ArgumentException($"{name} is not a JPEG: Distinct copies JPEG photos only");
        var copy = Guid.NewGuid().ToString("N");
        byte[] comment = [0xFF, 0xFE, 0, (byte)(copy.Length + 2), .. System.Text.Encoding.ASCII.GetBytes(copy)];
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(DistinctFolder, copy)).FullName, name); // its own name, as uploaded
        File.WriteAllBytes(path, [.. bytes[..2], .. comment, .. bytes[2..]]);
        return path;
    }

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ANNOTATOR_TESTDATA");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        var candidate = Path.Combine(RepositoryRoot, "tests", "testdata");
        return Directory.Exists(candidate) ? candidate : throw new DirectoryNotFoundException($"Test data not found at {candidate}.");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Annotator.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("Annotator.slnx not found above " + AppContext.BaseDirectory);
    }
}
