using Annotator.Catalog;
using Annotator.Events;
using Annotator.Images;
using Annotator.Processing;
using Annotator.Storage;
using Annotator.Storage.FileSystem;
using Annotator.Testing;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Processing;

/// <summary>
/// CreateThumbnail meets an object store that goes down while it works (the original read, the thumbnails not yet
/// written): the photo is not failed, its claim is handed back uncounted and the event asked for again; once the store
/// is back the same event makes the thumbnails. A photo libvips cannot decode still fails, outage or not.
/// </summary>
public sealed class WorkOutagesTests : IAsyncDisposable
{
    private readonly TempCatalog _temp = new();
    private readonly OutageStore _store;
    private readonly LowPriorityThreads _threads = new(1);
    private readonly CreateThumbnail _function;

    public WorkOutagesTests()
    {
        _store = new OutageStore(new FileSystemObjectStore(Options.Create(new FileSystemStorageOptions { Root = Path.Combine(_temp.Folder, "objects") })));
        var leases = new WorkLeases(_temp.Catalog, Options.Create(new WorkOptions()), TimeProvider.System, NullLogger<WorkLeases>.Instance);
        var thumbnails = Options.Create(new ThumbnailOptions());
        _function = new CreateThumbnail(_temp.Catalog, leases, new WorkOutages(_temp.Catalog, _store, leases, NullLogger<WorkOutages>.Instance), _store,
            new VipsThumbnailer(thumbnails, _threads, NullLogger<VipsThumbnailer>.Instance), thumbnails, NullLogger<CreateThumbnail>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        _threads.Dispose();
        await _temp.DisposeAsync();
    }

    [Fact]
    public async Task A_store_outage_mid_work_leaves_the_photo_pending_and_the_next_delivery_finishes_it()
    {
        var (id, created) = await UploadAsync(TestData.Image("exif-landscape-1.jpg"));
        _store.GoesDownAfterRead = true;

        var result = await _function.HandleAsync(created, CancellationToken.None);

        Assert.Equal(WorkOutages.RetryAfter, result.RetryAfter);
        var waiting = (await _temp.Catalog.GetAsync(id, CancellationToken.None))!.Thumbnail;
        Assert.Equal((WorkState.Pending, 0, null), (waiting.State, waiting.Attempts, waiting.Error));

        _store.Up();
        Assert.Null((await _function.HandleAsync(created, CancellationToken.None)).RetryAfter);
        var done = (await _temp.Catalog.GetAsync(id, CancellationToken.None))!.Thumbnail;
        Assert.Equal((WorkState.Done, 1), (done.State, done.Attempts));
        Assert.True(await _store.ExistsAsync(ObjectKeys.Thumbnail(id), CancellationToken.None));
    }

    [Fact]
    public async Task A_photo_that_cannot_be_decoded_still_fails_with_its_reason()
    {
        var (id, created) = await UploadAsync(TestData.Bad("text-renamed.jpg"));

        Assert.Null((await _function.HandleAsync(created, CancellationToken.None)).RetryAfter);

        var failed = (await _temp.Catalog.GetAsync(id, CancellationToken.None))!.Thumbnail;
        Assert.Equal(WorkState.Failed, failed.State);
        Assert.False(string.IsNullOrWhiteSpace(failed.Error));
    }

    private async Task<(ImageId, ObjectCreated)> UploadAsync(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        var image = new ImageRecord
        {
            Id = ImageId.New(), FileName = Path.GetFileName(path), Format = ImageFormat.Jpeg, Width = 1200, Height = 900, SizeBytes = bytes.Length, CreatedAt = DateTimeOffset.UtcNow,
        };
        var key = ObjectKeys.Raw(image.Id, image.Format);
        await _store.PutAsync(key, new MemoryStream(bytes), "image/jpeg", CancellationToken.None);
        await _temp.Catalog.AddAsync(image, key, null, CancellationToken.None);
        return (image.Id, new ObjectCreated(key));
    }

    /// <summary>A real store that stops answering, as an S3 server that went away does: every call and the check fail.</summary>
    private sealed class OutageStore(IObjectStore store) : IObjectStore
    {
        private bool _down;

        public bool GoesDownAfterRead { get; set; }

        public void Up() => (_down, GoesDownAfterRead) = (false, false);

        private void Answer()
        {
            if (_down) throw new IOException("Connection refused (127.0.0.1:9000)");
        }

        public Task CheckAsync(CancellationToken cancellationToken)
        {
            Answer();
            return store.CheckAsync(cancellationToken);
        }

        public Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
        {
            Answer();
            return store.PutAsync(key, content, contentType, cancellationToken);
        }

        public async Task<StoredObject?> OpenReadAsync(string key, CancellationToken cancellationToken)
        {
            Answer();
            var opened = await store.OpenReadAsync(key, cancellationToken);
            if (GoesDownAfterRead) _down = true;
            return opened;
        }

        public Task DeleteAsync(string key, CancellationToken cancellationToken)
        {
            Answer();
            return store.DeleteAsync(key, cancellationToken);
        }

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
        {
            Answer();
            return store.ExistsAsync(key, cancellationToken);
        }

        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken)
        {
            Answer();
            return store.ListAsync(prefix, cancellationToken);
        }
    }
}
