using System.Security.Cryptography;
using Annotator.Processing;
using Annotator.Storage;
using Annotator.Testing;
using Annotator.Thumbnails;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.ContractTests.Storage;

/// <summary>
/// What every <see cref="IObjectStore"/> promises, run against each adapter by a subclass. Keys start with a
/// prefix of this test's own, so a store shared between runs (a real bucket) never mixes them up.
/// </summary>
public abstract class ObjectStoreContract
{
    private const string Jpeg = "image/jpeg";
    private readonly string _run = Guid.NewGuid().ToString("N");

    /// <summary>One for all classes: libvips' settings are process-wide and applied by the first thumbnailer made.</summary>
    private static readonly VipsThumbnailer Thumbnailer =
        new(Options.Create(new ThumbnailOptions()), new LowPriorityThreads(2), NullLogger<VipsThumbnailer>.Instance);

    /// <summary>The store under test; a multipart adapter uses its smallest part size, so a few megabytes take several parts.</summary>
    protected abstract IObjectStore Store { get; }

    protected static CancellationToken None => CancellationToken.None;

    /// <summary>A key of this test's, under the real layout's prefixes (<c>raw/</c>, <c>thumbnails/</c>).</summary>
    protected string Key(string area, string name) => $"{area}/{_run}-{name}";

    /// <summary>Every key this test may have written starts with one of these.</summary>
    protected IEnumerable<string> Prefixes => [Key("raw", ""), Key("thumbnails", "")];

    [ContractFact]
    public async Task A_multi_megabyte_stream_of_unknown_length_reads_back_byte_for_byte()
    {
        var key = Key("raw", "big.jpg");
        var content = SourceStream.Bytes(11 * 1024 * 1024 + 12_345);

        await Store.PutAsync(key, new SourceStream(content), Jpeg, None);

        await using var stored = await Store.OpenReadAsync(key, None);
        Assert.NotNull(stored);
        Assert.Equal(content.Length, stored.Length);
        Assert.Equal(SHA256.HashData(content), await SHA256.HashDataAsync(stored.Content));
    }

    [ContractFact]
    public async Task A_small_object_and_an_empty_one_read_back_with_their_lengths()
    {
        var small = SourceStream.Bytes(1234);
        await Store.PutAsync(Key("thumbnails", "small.webp"), new MemoryStream(small), "image/webp", None);
        await Store.PutAsync(Key("thumbnails", "empty.webp"), new MemoryStream(), "image/webp", None);

        Assert.Equal(small, await ReadAllAsync(Key("thumbnails", "small.webp")));
        Assert.Empty(await ReadAllAsync(Key("thumbnails", "empty.webp")));
        await using var empty = await Store.OpenReadAsync(Key("thumbnails", "empty.webp"), None);
        Assert.Equal(0, empty!.Length);
        Assert.Equal(0, await empty.Content.ReadAsync(new byte[10]));
    }

    [ContractFact]
    public async Task A_put_replaces_the_object_under_its_key()
    {
        var key = Key("raw", "replaced.jpg");
        await Store.PutAsync(key, new MemoryStream(SourceStream.Bytes(300_000, seed: 1)), Jpeg, None);
        var second = SourceStream.Bytes(1000, seed: 2);

        await Store.PutAsync(key, new MemoryStream(second), Jpeg, None);

        Assert.Equal(second, await ReadAllAsync(key));
    }

    [ContractFact]
    public async Task A_missing_key_reads_as_null_and_does_not_exist()
    {
        Assert.Null(await Store.OpenReadAsync(Key("raw", "missing.jpg"), None));
        Assert.False(await Store.ExistsAsync(Key("raw", "missing.jpg"), None));
    }

    [ContractFact]
    public async Task Deleting_a_key_where_nothing_was_ever_written_is_fine()
    {
        // An image deleted before any thumbnail was made: on a fresh store not even thumbnails/ exists.
        await Store.DeleteAsync($"thumbnails/{Guid.NewGuid():N}/never.webp", None);
        Assert.Null(await Store.OpenReadAsync($"thumbnails/{Guid.NewGuid():N}/never.webp", None));
    }

    [ContractFact]
    public async Task Exists_and_delete_follow_the_object_and_deleting_a_missing_key_is_fine()
    {
        var key = Key("raw", "deleted.jpg");
        await Store.PutAsync(key, new MemoryStream([1, 2, 3]), Jpeg, None);
        Assert.True(await Store.ExistsAsync(key, None));

        await Store.DeleteAsync(key, None);
        await Store.DeleteAsync(key, None); // deletes are retried
        await Store.DeleteAsync(Key("raw", "never-there.jpg"), None);

        Assert.False(await Store.ExistsAsync(key, None));
        Assert.Null(await Store.OpenReadAsync(key, None));
    }

    [ContractFact]
    public async Task Listing_a_prefix_returns_all_its_keys_across_pages_and_nothing_else()
    {
        // S3 lists at most 1,000 keys a page.
        var keys = Enumerable.Range(0, 1003).Select(i => Key("raw", $"list-{i:D4}.jpg")).ToList();
        string[] others = [Key("raw", "lis.jpg"), Key("thumbnails", "list-0000.jpg")];
        await Parallel.ForEachAsync(keys.Concat(others), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (key, token) => await Store.PutAsync(key, new MemoryStream([7]), Jpeg, token));

        var listed = await Store.ListAsync(Key("raw", "list-"), None).ToListAsync();

        Assert.Equal(keys, listed.Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.All(listed, o => Assert.InRange(o.LastModified, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1)));
    }

    [ContractFact]
    public async Task Seeking_reads_ranges_from_the_middle_forward_and_back()
    {
        var content = await PutAsync(Key("raw", "seek.jpg"), 3 * 1024 * 1024 + 7);
        await using var stored = await Store.OpenReadAsync(Key("raw", "seek.jpg"), None);
        var stream = stored!.Content;
        Assert.True(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);

        stream.Position = 0; // what the thumbnailer does first: a no-op on a fresh stream
        await AssertReadsAsync(stream, content, 0, 10);
        stream.Seek(1_500_000, SeekOrigin.Begin);
        await AssertReadsAsync(stream, content, 1_500_000, 4096);
        stream.Seek(1000, SeekOrigin.Current); // a short skip ahead
        await AssertReadsAsync(stream, content, 1_505_096, 4096);
        stream.Seek(-100_000, SeekOrigin.Current); // back
        await AssertReadsAsync(stream, content, 1_409_192, 100_000);
        stream.Seek(-10, SeekOrigin.End);
        await AssertReadsAsync(stream, content, content.Length - 10, 10);
        Assert.Equal(0, await stream.ReadAsync(new byte[1]));
        Assert.Equal(content.Length, stream.Position);

        stream.Position = 0;
        Assert.Equal(SHA256.HashData(content), await SHA256.HashDataAsync(stream));
    }

    [ContractFact]
    public async Task Synchronous_reads_seek_as_libvips_does()
    {
        var content = await PutAsync(Key("raw", "sync.jpg"), 2 * 1024 * 1024);
        await using var stored = await Store.OpenReadAsync(Key("raw", "sync.jpg"), None);
        var stream = stored!.Content;

        Assert.Equal(content.Length, stream.Seek(0, SeekOrigin.End)); // libvips asks for the length this way
        stream.Seek(0, SeekOrigin.Begin);
        var head = new byte[8];
        stream.ReadExactly(head);
        Assert.Equal(content[..8], head);
        stream.Position = 2_000_000;
        var tail = new byte[content.Length - 2_000_000];
        stream.ReadExactly(tail);
        Assert.Equal(content[2_000_000..], tail);
        Assert.Equal(0, stream.Read(new byte[1]));
    }

    /// <summary>libvips reads TIFF and HEIF out of order: the store's stream must serve that straight from storage.</summary>
    [ContractFact]
    public async Task Formats_that_need_random_access_thumbnail_straight_from_the_stored_stream()
    {
        foreach (var (name, type) in new[] { ("scan-lzw.tiff", "image/tiff"), ("iphone-exif.avif", "image/avif") })
        {
            await using (var file = File.OpenRead(TestData.Image(name))) await Store.PutAsync(Key("raw", name), file, type, None);
            ThumbnailSet expected;
            await using (var file = File.OpenRead(TestData.Image(name))) expected = await Thumbnailer.CreateThumbnailsAsync(file, 0, None);

            await using var stored = await Store.OpenReadAsync(Key("raw", name), None);
            var made = await Thumbnailer.CreateThumbnailsAsync(stored!.Content, 0, None);

            Assert.Equal(expected.Thumbnail.Bytes, made.Thumbnail.Bytes);
            Assert.Equal(expected.Preview.Bytes, made.Preview.Bytes);
        }
    }

    [ContractFact]
    public Task A_put_whose_source_fails_early_leaves_no_object() => AssertFailedPutLeavesNothingAsync(failAfter: 1024 * 1024);

    /// <summary>Past one part: a multipart adapter has stored parts by then, and must not leave them as an object.</summary>
    [ContractFact]
    public Task A_put_whose_source_fails_after_several_megabytes_leaves_no_object() => AssertFailedPutLeavesNothingAsync(failAfter: 7 * 1024 * 1024);

    [ContractFact]
    public async Task A_failed_put_over_an_object_leaves_the_old_one_whole()
    {
        var key = Key("raw", "kept.jpg");
        var old = await PutAsync(key, 600_000);

        var failure = await Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync(key, new SourceStream(SourceStream.Bytes(12 * 1024 * 1024, seed: 9), failAfter: 6 * 1024 * 1024), Jpeg, None));

        Assert.Equal(SourceStream.FailureMessage, failure.Message);
        Assert.Equal(old, await ReadAllAsync(key));
    }

    [ContractFact]
    public async Task The_store_is_reachable()
    {
        await Store.CheckAsync(None);
    }

    private async Task AssertFailedPutLeavesNothingAsync(long failAfter)
    {
        var key = Key("raw", "failed.jpg");

        var failure = await Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync(key, new SourceStream(SourceStream.Bytes(12 * 1024 * 1024), failAfter), Jpeg, None));

        Assert.Equal(SourceStream.FailureMessage, failure.Message);
        Assert.False(await Store.ExistsAsync(key, None));
        Assert.Null(await Store.OpenReadAsync(key, None));
        Assert.Empty(await Store.ListAsync(Key("raw", ""), None).ToListAsync());
    }

    private async Task<byte[]> PutAsync(string key, int length)
    {
        var content = SourceStream.Bytes(length, seed: length);
        await Store.PutAsync(key, new MemoryStream(content), Jpeg, None);
        return content;
    }

    private async Task<byte[]> ReadAllAsync(string key)
    {
        await using var stored = await Store.OpenReadAsync(key, None) ?? throw new InvalidOperationException($"'{key}' is missing");
        var copy = new MemoryStream();
        await stored.Content.CopyToAsync(copy);
        Assert.Equal(stored.Length, copy.Length);
        return copy.ToArray();
    }

    private static async Task AssertReadsAsync(Stream stream, byte[] content, int at, int count)
    {
        Assert.Equal(at, stream.Position);
        var read = new byte[count];
        await stream.ReadExactlyAsync(read);
        Assert.Equal(content.AsSpan(at, count).ToArray(), read);
        Assert.Equal(at + count, stream.Position);
    }
}
