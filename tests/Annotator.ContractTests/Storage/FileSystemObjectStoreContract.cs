using Annotator.Storage.FileSystem;
using Annotator.Storage;
using Microsoft.Extensions.Options;

namespace Annotator.ContractTests.Storage;

public sealed class FileSystemObjectStoreContract : ObjectStoreContract, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "annotator-contract-" + Guid.NewGuid().ToString("N"));

    public FileSystemObjectStoreContract() =>
        Store = new FileSystemObjectStore(Options.Create(new FileSystemStorageOptions { Root = _root }));

    protected override IObjectStore Store { get; }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
