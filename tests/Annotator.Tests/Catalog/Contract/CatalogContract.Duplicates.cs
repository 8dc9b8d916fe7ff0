using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;
using Annotator.Thumbnails;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>One image per content: the unique rule on the original's SHA-256, decided by the database.</summary>
public abstract partial class CatalogContract
{
    private const string Content = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static ImageRecord NewImage(string name, string? sha256) => new()
    {
        Id = ImageId.New(), FileName = name, Format = ImageFormat.Jpeg, Width = 640, Height = 480, SizeBytes = 1234,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), ContentSha256 = sha256,
    };

    private static Task<ImageRecord> AddImageAsync(IImageCatalog catalog, ImageRecord image) =>
        catalog.AddAsync(image, ObjectKeys.Raw(image.Id, image.Format), null, CancellationToken.None);

    [ContractFact]
    public async Task The_same_content_again_is_refused_whole_and_the_first_image_is_found_by_it()
    {
        var first = await AddImageAsync(Catalog, NewImage("a.jpg", Content));
        var versionBefore = await Catalog.LatestVersionAsync(CancellationToken.None);

        var refused = await Assert.ThrowsAsync<DuplicateContentException>(() => AddImageAsync(Catalog, NewImage("copy.jpg", Content)));

        Assert.Equal(Content, refused.Sha256);
        Assert.Equal(first.Id, Assert.Single((await Catalog.ListAsync(new ImageQuery(null, 10, null, null), CancellationToken.None)).Items).Id);
        Assert.Equal([$"raw/{first.Id}.jpg"], (await Under.Outbox.ReadAsync(10, CancellationToken.None)).Select(e => e.Event.Key));
        Assert.Equal(versionBefore, await Catalog.LatestVersionAsync(CancellationToken.None)); // no change in the feed either
        var found = await Catalog.FindByContentAsync(Content, CancellationToken.None);
        Assert.Equal((first.Id, Content), (found!.Id, found.ContentSha256));
        Assert.Null(await Catalog.FindByContentAsync(new string('0', 64), CancellationToken.None));
    }

    [ContractFact]
    public async Task Images_without_a_content_hash_never_collide_and_a_deleted_image_frees_its_content()
    {
        await AddImageAsync(Catalog, NewImage("old-1.jpg", null)); // rows from before V6 have none
        await AddImageAsync(Catalog, NewImage("old-2.jpg", null));
        var first = await AddImageAsync(Catalog, NewImage("a.jpg", Content));

        await Catalog.DeleteAsync(first.Id, CancellationToken.None);
        var again = await AddImageAsync(Catalog, NewImage("a-again.jpg", Content));

        Assert.Equal(3, await Catalog.CountAsync(new ImageQuery(null, 10, null, null), CancellationToken.None));
        Assert.Equal(again.Id, (await Catalog.FindByContentAsync(Content, CancellationToken.None))!.Id);
    }

    [ContractFact]
    public async Task Of_concurrent_adds_of_one_content_on_many_nodes_exactly_one_is_stored_with_one_event()
    {
        var nodes = Enumerable.Range(0, 5).Select(_ => Under.AnotherNode()).ToList();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run<ImageRecord?>(async () =>
        {
            try
            {
                return await AddImageAsync(nodes[i % nodes.Count].Catalog, NewImage($"copy-{i}.jpg", Content));
            }
            catch (DuplicateContentException)
            {
                return null; // refused: any other exception fails the test
            }
        })));

        var winner = Assert.Single(outcomes, o => o is not null)!;
        Assert.Equal(winner.Id, Assert.Single((await Catalog.ListAsync(new ImageQuery(null, 20, null, null), CancellationToken.None)).Items).Id);
        Assert.Equal([$"raw/{winner.Id}.jpg"], (await Under.Outbox.ReadAsync(20, CancellationToken.None)).Select(e => e.Event.Key));
        foreach (var node in nodes) await node.DisposeAsync();
    }
}

/// <summary>Near-duplicates: perceptual hashes compared by their Hamming distance in the database.</summary>
public abstract partial class CatalogContract
{
    private async Task<ImageRecord> HashedAsync(string name, long? phash)
    {
        var image = await AddAsync(name);
        await ClaimAsync(image.Id, Work.Thumbnail);
        Assert.Equal(Completion.Stored, await Catalog.CompleteThumbnailAsync(image.Id, NodeA.Owner, phash, CancellationToken.None));
        return image;
    }

    [ContractFact]
    public async Task Images_within_the_distance_are_similar_nearest_first_and_the_gallery_filter_takes_only_those_with_one_left()
    {
        // The top bit set: every engine must count the bits of a negative 64-bit integer too.
        var hash = unchecked((long)0x8000_0000_0000_00F0UL);
        var photo = await HashedAsync("photo.jpg", hash);
        var resized = await HashedAsync("photo-small.jpg", hash ^ 0b111);       // 3 bits away
        var cropped = await HashedAsync("photo-cropped.jpg", hash ^ 0b1_1111_1111); // 9 bits away
        var other = await HashedAsync("other.jpg", ~hash);                       // 64 bits away
        await HashedAsync("unhashed.jpg", null);

        var similar = await Catalog.FindSimilarAsync(photo.Id, PerceptualHash.SimilarDistance, 10, CancellationToken.None);
        Assert.Equal([(resized.Id, 3), (cropped.Id, 9)], similar.Select(s => (s.Image.Id, s.Distance)));
        Assert.Equal(hash ^ 0b111, similar[0].Image.PerceptualHash);
        Assert.Equal([photo.Id], (await Catalog.FindSimilarAsync(resized.Id, 5, 10, CancellationToken.None)).Select(s => s.Image.Id));
        Assert.Empty(await Catalog.FindSimilarAsync(other.Id, PerceptualHash.SimilarDistance, 10, CancellationToken.None));

        var withNear = new ImageQuery(null, 10, null, null, Similar: true);
        Assert.Equal([cropped.Id, resized.Id, photo.Id], (await Catalog.ListAsync(withNear, CancellationToken.None)).Items.Select(i => i.Id));
        Assert.Equal(3, await Catalog.CountAsync(withNear, CancellationToken.None));

        // A deleted neighbour takes the mark off only those it leaves with none.
        await Catalog.DeleteAsync(resized.Id, CancellationToken.None);
        Assert.Equal([cropped.Id, photo.Id], (await Catalog.ListAsync(withNear, CancellationToken.None)).Items.Select(i => i.Id));
        await Catalog.DeleteAsync(cropped.Id, CancellationToken.None);
        Assert.Empty((await Catalog.ListAsync(withNear, CancellationToken.None)).Items);
        Assert.Equal(0, await Catalog.CountAsync(withNear, CancellationToken.None));
    }
}

/// <summary>The backfill's side: images thumbnailed before V6 found in id order, and given a hash once.</summary>
public abstract partial class CatalogContract
{
    [ContractFact]
    public async Task Thumbnailed_images_without_a_hash_are_found_in_id_order_and_hashed_once_with_their_near_ones_marked()
    {
        var hash = unchecked((long)0x8000_0000_0000_00F0UL);
        var hashed = await HashedAsync("new.jpg", hash);
        var old1 = await HashedAsync("old-1.jpg", null);
        var old2 = await HashedAsync("old-2.jpg", null);
        var old3 = await HashedAsync("old-3.jpg", null);
        await AddAsync("pending.jpg"); // no thumbnails yet: CreateThumbnail hashes it
        var versionBefore = await Catalog.LatestVersionAsync(CancellationToken.None);

        Assert.Equal([old1.Id, old2.Id, old3.Id], await Catalog.FindUnhashedAsync("", 10, CancellationToken.None));
        Assert.Equal([old2.Id], await Catalog.FindUnhashedAsync(old1.Id.ToString(), 1, CancellationToken.None));

        Assert.True(await Catalog.StoreHashAsync(old2.Id, hash ^ 0b11, CancellationToken.None));
        Assert.False(await Catalog.StoreHashAsync(old2.Id, ~hash, CancellationToken.None)); // hashed already: kept
        Assert.False(await Catalog.StoreHashAsync(hashed.Id, ~hash, CancellationToken.None));
        Assert.False(await Catalog.StoreHashAsync(ImageId.New(), hash, CancellationToken.None));

        Assert.Equal([old1.Id, old3.Id], await Catalog.FindUnhashedAsync("", 10, CancellationToken.None));
        Assert.Equal([(hashed.Id, 2)], (await Catalog.FindSimilarAsync(old2.Id, PerceptualHash.SimilarDistance, 10, CancellationToken.None)).Select(s => (s.Image.Id, s.Distance)));
        var withNear = new ImageQuery(null, 10, null, null, Similar: true);
        Assert.Equal([old2.Id, hashed.Id], (await Catalog.ListAsync(withNear, CancellationToken.None)).Items.Select(i => i.Id));
        Assert.True(await Catalog.LatestVersionAsync(CancellationToken.None) > versionBefore); // cached gallery pages see it
    }
}
