namespace Annotator.Cli;

/// <summary>One file to import: its path relative to the source (the journal's key), its size, and how to read it.</summary>
public sealed record ImportFile(string Path, string Name, long Length, Func<CancellationToken, Task<Stream>> OpenAsync);

/// <summary>A folder tree: every file with an image's extension, in a stable order (so a resumed run walks the same way).</summary>
public static class FolderSource
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".tif", ".tiff", ".avif", ".heic", ".heif",
    };

    public static IEnumerable<ImportFile> Files(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(path => Extensions.Contains(System.IO.Path.GetExtension(path)))
            .Order(StringComparer.Ordinal)
            .Select(path =>
            {
                var relative = System.IO.Path.GetRelativePath(root, path);
                return new ImportFile(relative, System.IO.Path.GetFileName(path), new FileInfo(path).Length,
                    _ => Task.FromResult<Stream>(File.OpenRead(path)));
            });
}
