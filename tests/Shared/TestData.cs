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
