namespace Annotator.Cli;

/// <summary>
/// One file to import: where it is (its full path, or <c>s3://bucket/key</c>: the journal's key, so runs over different
/// sources from one folder never mistake one file for another), its name, its size, and how to read it.
/// </summary>
public sealed record ImportFile(string Path, string Name, long Length, Func<CancellationToken, Task<Stream>> OpenAsync);

/// <summary>A folder tree: every file with an image's extension, in a stable order (so a resumed run walks the same way).</summary>
public static class FolderSource
{
    public static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".tif", ".tiff", ".avif", ".heic", ".heif",
    };

    public static IEnumerable<ImportFile> Files(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(path => Extensions.Contains(System.IO.Path.GetExtension(path)))
            .Order(StringComparer.Ordinal)
            .Select(path =>
            {
                return new ImportFile(System.IO.Path.GetFullPath(path), System.IO.Path.GetFileName(path), new FileInfo(path).Length,
                    _ => Task.FromResult<Stream>(File.OpenRead(path)));
            });
}
