namespace Annotator.Testing;

/// <summary>
/// Finds the shared test photos and broken files: ../shared/testdata beside the repository,
/// or the folder named by ANNOTATOR_TESTDATA.
/// </summary>
public static class TestData
{
    // Static initialisers run in text order: RepositoryRoot must be set before Locate() reads it.
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Root { get; } = Locate();

    public static string Image(string name) => Path.Combine(Root, "images", name);

    public static string Bad(string name) => Path.Combine(Root, "bad", name);

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ANNOTATOR_TESTDATA");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "testdata"));
        if (Directory.Exists(candidate)) return candidate;
        throw new DirectoryNotFoundException(
            $"Test data not found at {candidate}: put the shared folder beside the repository or set ANNOTATOR_TESTDATA.");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Annotator.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("Annotator.slnx not found above " + AppContext.BaseDirectory);
    }
}
