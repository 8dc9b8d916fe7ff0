using Annotator.Catalog;
using Annotator.Catalog.Sqlite;
using Annotator.Events;
using Annotator.Images;
using Annotator.Processing;
using Annotator.Storage;
using Annotator.Storage.FileSystem;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Storage;

public sealed class OrphanSweeperTests : IAsyncDisposable
{
    private readonly TempCatalog _temp = new();
    private readonly FileSystemObjectStore _store;

    public OrphanSweeperTests() =>
        _store = new FileSystemObjectStore(Options.Create(new FileSystemStorageOptions { Root = Path.Combine(_temp.Folder, "objects") }));

    public ValueTask DisposeAsync() => _temp.DisposeAsync();

    private async Task PutAsync(string key, TimeSpan age)
    {
        await _store.PutAsync(key, new MemoryStream([1, 2, 3]), "image/jpeg", CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(_temp.Folder, "objects", key), DateTime.UtcNow - age);
    }

    private async Task<List<string>> KeysAsync() =>
        [.. (await _store.ListAsync("", CancellationToken.None).ToListAsync()).Select(o => o.Key).Where(k => !k.StartsWith('.')).Order()];

    [Fact]
    public async Task Old_objects_of_no_image_go_and_everything_else_stays()
    {
        var kept = ImageId.New();
        await _temp.Catalog.AddAsync(new ImageRecord
        {
            Id = kept, FileName = "a.jpg", Format = ImageFormat.Jpeg, Width = 1, Height = 1, SizeBytes = 3, CreatedAt = DateTimeOffset.UtcNow,
        }, ObjectKeys.Raw(kept, ImageFormat.Jpeg), null, CancellationToken.None);
        var orphan = ImageId.New();
        var young = ImageId.New();
        var old = TimeSpan.FromHours(2);
        await PutAsync(ObjectKeys.Raw(kept, ImageFormat.Jpeg), old);
        await PutAsync(ObjectKeys.Thumbnail(kept), old);
        await PutAsync(ObjectKeys.Raw(orphan, ImageFormat.Png), old);
        await PutAsync(ObjectKeys.Thumbnail(orphan), old);
        await PutAsync(ObjectKeys.Preview(orphan, PreviewFormat.Jpeg), old);
        await PutAsync(ObjectKeys.Preview(orphan, PreviewFormat.Webp), old); // made before the preview became JPEG
        await PutAsync(ObjectKeys.Raw(young, ImageFormat.Jpeg), TimeSpan.FromMinutes(1)); // an upload whose row is on its way
        await PutAsync("raw/not-ours.txt", old);

        var removed = await new OrphanSweeper(_store, _temp.Catalog, TimeProvider.System, NullLogger<OrphanSweeper>.Instance).SweepAsync(CancellationToken.None);

        Assert.Equal(4, removed);
        Assert.Equal(
            new[] { ObjectKeys.Raw(kept, ImageFormat.Jpeg), ObjectKeys.Raw(young, ImageFormat.Jpeg), "raw/not-ours.txt", ObjectKeys.Thumbnail(kept) }.Order(),
            await KeysAsync());
    }
}
