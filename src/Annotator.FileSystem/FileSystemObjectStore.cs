using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace Annotator.Storage.FileSystem;

/// <summary>
/// Objects as files under one root folder. A put writes a temporary file and renames it into place,
/// which is atomic on POSIX file systems; leftovers of a crash are removed at start.
/// </summary>
public sealed class FileSystemObjectStore : IObjectStore
{
    private const string TempFolder = ".tmp";
    private readonly string _root;
    private readonly string _temp;

    public FileSystemObjectStore(IOptions<FileSystemStorageOptions> options)
    {
        _root = Path.GetFullPath(options.Value.Root);
        _temp = Path.Combine(_root, TempFolder);
        if (Directory.Exists(_temp)) Directory.Delete(_temp, recursive: true);
        Directory.CreateDirectory(_temp);
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var temp = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
                await content.CopyToAsync(file, 81920, cancellationToken);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public Task<StoredObject?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous);
            return Task.FromResult<StoredObject?>(new StoredObject(stream, stream.Length, File.GetLastWriteTimeUtc(path)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<StoredObject?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            File.Delete(PathOf(key));
        }
        catch (DirectoryNotFoundException)
        {
            // Its folder was never made (no thumbnail written yet): the object is just as missing.
        }
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathOf(key)));

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = new DirectoryInfo(Path.GetDirectoryName(PathOf(prefix + "x"))!);
        if (!folder.Exists) yield break;
        foreach (var file in folder.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal)) yield return new ObjectInfo(key, file.LastWriteTimeUtc);
        }
        await Task.CompletedTask;
    }

    public Task CheckAsync(CancellationToken cancellationToken)
    {
        // Readiness means we can write: create and remove a file in the temp folder.
        var probe = Path.Combine(_temp, "ready-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(probe, []);
        File.Delete(probe);
        return Task.CompletedTask;
    }

    /// <summary>Keys are built by <see cref="ObjectKeys"/>, but a key must still never name a path outside the root.</summary>
    private string PathOf(string key)
    {
        if (key.Length == 0 || key.Contains("..", StringComparison.Ordinal) || key.Contains('\\') || key.StartsWith('/') || key.StartsWith('.'))
            throw new ArgumentException($"Invalid object key '{key}'.", nameof(key));
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Object key '{key}' leaves the store.", nameof(key));
        return path;
    }
}
