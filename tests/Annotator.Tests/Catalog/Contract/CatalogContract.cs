using Annotator.Captioning;
using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>
/// What every catalog adapter must do, run against each engine (SQLite, MariaDB, PostgreSQL): one subclass per
/// engine says how to make a fresh database. The parts: images and search (this file), claims, the change feed,
/// the event tables, and the schema.
/// </summary>
public abstract partial class CatalogContract : IAsyncLifetime
{
    protected static readonly WorkLease NodeA = new("node-a/1/aaaa", TimeSpan.FromMinutes(1));
    protected static readonly WorkLease NodeB = new("node-b/2/bbbb", TimeSpan.FromMinutes(1));

    private CatalogUnderTest? _under;

    protected CatalogUnderTest Under => _under ?? throw new InvalidOperationException("not initialised");

    protected IImageCatalog Catalog => Under.Catalog;

    /// <summary>A fresh database of its own: migrated to the current schema, or empty.</summary>
    protected abstract Task<CatalogUnderTest> CreateAsync(bool migrated = true);

    public async Task InitializeAsync() => _under = await CreateAsync();

    public async Task DisposeAsync()
    {
        if (_under is not null) await _under.DisposeAsync();
    }

    protected async Task<ImageRecord> AddAsync(string name, ImageFacts? facts = null, string? uploaderId = null, string? uploaderName = null)
    {
        var image = new ImageRecord
        {
            Id = ImageId.New(), FileName = name, Format = ImageFormat.Jpeg, Width = 640, Height = 480, SizeBytes = 1234,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), Facts = facts ?? ImageFacts.None,
            UploaderId = uploaderId, UploaderName = uploaderName,
        };
        await Catalog.AddAsync(image, ObjectKeys.Raw(image.Id, image.Format), null, CancellationToken.None);
        return image;
    }

    protected async Task<ImageRecord> ClaimAsync(ImageId id, Work work, WorkLease? lease = null)
    {
        var claim = await Catalog.ClaimAsync(id, work, lease ?? NodeA, CancellationToken.None);
        Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
        return claim.Image!;
    }

    protected async Task CaptionAsync(ImageId id, Caption caption)
    {
        var claimed = await ClaimAsync(id, Work.Caption);
        Assert.Equal(Completion.Stored, await Catalog.CompleteCaptionAsync(id, NodeA.Owner, claimed.CaptionGeneration, caption, CancellationToken.None));
    }

    protected async Task FailThumbnailAsync(ImageId id, string reason)
    {
        await ClaimAsync(id, Work.Thumbnail);
        await Catalog.FailThumbnailAsync(id, NodeA.Owner, reason, CancellationToken.None);
    }

    protected static Caption CaptionOf(string text, params string[] tags) => new() { Text = text, Tags = tags, Provider = "offline", Model = "m" };

    private async Task<ImageId[]> FindAsync(string? search, WorkState? state = null) =>
        [.. (await Catalog.ListAsync(new ImageQuery(null, 10, search, state), CancellationToken.None)).Items.Select(i => i.Id)];

    [ContractFact]
    public async Task An_added_image_reads_back_whole_with_its_event_in_the_outbox()
    {
        var added = await AddAsync("cat.jpg", new ImageFacts { CameraMake = "Canon", CameraModel = "Canon EOS 1300D", Latitude = 1.5, TakenAt = new DateTime(2024, 5, 1, 12, 0, 0), Frames = 12 });

        var read = (await Catalog.GetAsync(added.Id, CancellationToken.None))!;
        Assert.Equal(added with { Version = read.Version, UpdatedAt = read.UpdatedAt }, read);
        Assert.True(read.Version > 0);
        Assert.Equal("Canon EOS 1300D", read.Facts.Camera);
        var outbox = await Under.Outbox.ReadAsync(10, CancellationToken.None);
        Assert.Equal(ObjectKeys.Raw(added.Id, ImageFormat.Jpeg), Assert.Single(outbox).Event.Key);
    }

    [ContractFact]
    public async Task Pages_run_newest_first_and_the_cursor_continues_without_gaps_or_repeats()
    {
        var ids = new List<ImageId>();
        for (var i = 0; i < 7; i++) ids.Add((await AddAsync($"p{i}.jpg")).Id);

        var seen = new List<ImageId>();
        ImageId? cursor = null;
        do
        {
            var page = await Catalog.ListAsync(new ImageQuery(cursor, 3, null, null), CancellationToken.None);
            seen.AddRange(page.Items.Select(i => i.Id));
            cursor = page.Next;
        } while (cursor is not null);

        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
    }

    [ContractFact]
    public async Task An_image_keeps_who_uploaded_it_and_my_uploads_pages_only_theirs_newest_first()
    {
        var ada = new List<ImageId>();
        for (var i = 0; i < 5; i++)
        {
            ada.Add((await AddAsync($"ada{i}.jpg", uploaderId: "ada-id", uploaderName: "Ada")).Id);
            await AddAsync($"grace{i}.jpg", uploaderId: "grace-id", uploaderName: "Grace");
        }
        var anonymous = await AddAsync("before-accounts.jpg");

        var read = (await Catalog.GetAsync(ada[0], CancellationToken.None))!;
        Assert.Equal(("ada-id", "Ada"), (read.UploaderId, read.UploaderName));
        var before = (await Catalog.GetAsync(anonymous.Id, CancellationToken.None))!;
        Assert.Equal((null, null), (before.UploaderId, before.UploaderName));
        var seen = new List<ImageRecord>();
        ImageId? cursor = null;
        do
        {
            var page = await Catalog.ListAsync(new ImageQuery(cursor, 2, null, null, UploaderId: "ada-id"), CancellationToken.None);
            seen.AddRange(page.Items);
            cursor = page.Next;
        } while (cursor is not null);
        Assert.Equal(ada.AsEnumerable().Reverse(), seen.Select(i => i.Id));
        Assert.All(seen, i => Assert.Equal("Ada", i.UploaderName));
        Assert.Equal(11, (await Catalog.ListAsync(new ImageQuery(null, 20, null, null), CancellationToken.None)).Items.Count);
        Assert.Empty((await Catalog.ListAsync(new ImageQuery(null, 20, null, null, UploaderId: "nobody"), CancellationToken.None)).Items);
    }

    [ContractFact]
    public async Task My_uploads_combines_with_search_and_state()
    {
        var mine = await AddAsync("beach-mine.jpg", uploaderId: "ada-id", uploaderName: "Ada");
        await AddAsync("beach-theirs.jpg", uploaderId: "grace-id", uploaderName: "Grace");
        var failed = await AddAsync("mountain-mine.jpg", uploaderId: "ada-id", uploaderName: "Ada");
        await FailThumbnailAsync(failed.Id, "broken");
        await CaptionAsync(failed.Id, CaptionOf("y")); // failed once nothing is still working on it

        var beach = await Catalog.ListAsync(new ImageQuery(null, 10, "beach", null, UploaderId: "ada-id"), CancellationToken.None);
        var broken = await Catalog.ListAsync(new ImageQuery(null, 10, null, WorkState.Failed, UploaderId: "ada-id"), CancellationToken.None);

        Assert.Equal([mine.Id], beach.Items.Select(i => i.Id));
        Assert.Equal([failed.Id], broken.Items.Select(i => i.Id));
    }

    [ContractFact]
    public async Task Search_finds_captions_tags_and_file_names_by_word_prefix()
    {
        var dog = await AddAsync("holiday-2024.jpg");
        var cat = await AddAsync("IMG_0001.jpg");
        await CaptionAsync(dog.Id, CaptionOf("A brown dog on a beach.", "dog", "beach"));
        await CaptionAsync(cat.Id, CaptionOf("A cat asleep.", "cat", "indoors"));

        Assert.Equal([dog.Id], await FindAsync("beach"));
        Assert.Equal([dog.Id], await FindAsync("bro"));
        Assert.Equal([cat.Id], await FindAsync("indoors"));
        Assert.Equal([cat.Id], await FindAsync("img_0001"));
        Assert.Equal([dog.Id], await FindAsync("holiday 2024"));
        Assert.Equal([dog.Id], await FindAsync("BEACH"));
        Assert.Empty(await FindAsync("dog cat"));
    }

    [ContractFact]
    public async Task Search_ignores_accents_and_case_on_both_sides()
    {
        var dessert = await AddAsync("Crème-brûlée.jpg");
        await CaptionAsync(dessert.Id, CaptionOf("Un café au lait, l'été.", "dessert", "Pâtisserie"));

        Assert.Equal([dessert.Id], await FindAsync("creme BRULEE"));
        Assert.Equal([dessert.Id], await FindAsync("CAFÉ"));
        Assert.Equal([dessert.Id], await FindAsync("ete"));
        Assert.Equal([dessert.Id], await FindAsync("patiss")); // a tag with accents
        Assert.Empty(await FindAsync("u00")); // tags are indexed as letters, not as JSON escapes
        Assert.Empty(await FindAsync("cafes"));
    }

    [ContractFact]
    public async Task Search_ignores_case_and_accents_and_finds_short_and_common_words()
    {
        var cafe = await AddAsync("Café-Crème 7.jpg");
        var walk = await AddAsync("walk.jpg");
        await CaptionAsync(walk.Id, CaptionOf("Where the path goes on for about a mile.", "path"));
        var cat = await AddAsync("猫.jpg");
        await CaptionAsync(cat.Id, CaptionOf("Кошка спит.", "кошка"));
        var hash = string.Concat(Enumerable.Repeat("0123456789abcdef", 6)); // one word of 96 characters
        var hashed = await AddAsync($"{hash}.jpg");

        Assert.Equal([cafe.Id], await FindAsync("cafe creme"));
        Assert.Equal([cafe.Id], await FindAsync("CAFÉ"));
        Assert.Equal([cafe.Id], await FindAsync("7"));            // shorter than a full-text index's usual shortest word
        Assert.Equal([walk.Id], await FindAsync("a mile"));
        Assert.Equal([walk.Id], await FindAsync("on"));
        Assert.Equal([walk.Id], await FindAsync("the"));          // words on the usual stopword lists
        Assert.Equal([walk.Id], await FindAsync("whe abo"));      // and words they begin
        Assert.Empty(await FindAsync("ile"));                     // inside "mile", but no word begins with it
        Assert.Equal([cat.Id], await FindAsync("КОШ 猫"));
        Assert.Equal([hashed.Id], await FindAsync(hash[..90]));   // longer than a full-text index's usual longest word
    }

    [ContractTheory]
    [InlineData("\"NEAR(dog* OR file_name:x")] // FTS5
    [InlineData("+dog -cat ~\"x\" @>< (*)")]  // InnoDB boolean mode
    [InlineData("dog & !cat | x:* <-> y")]    // tsquery
    [InlineData("'; DROP TABLE images; --")]
    [InlineData("%_\\")]
    public async Task Search_input_is_only_ever_text(string search)
    {
        await AddAsync("dog.jpg");

        var found = await FindAsync(search);

        Assert.NotNull(found); // no syntax error, whatever it finds
        Assert.Single(await FindAsync(null));
    }

    [ContractFact]
    public async Task The_state_filter_uses_the_combined_state()
    {
        var pending = await AddAsync("a.jpg");
        var failed = await AddAsync("b.jpg");
        var done = await AddAsync("c.jpg");
        var working = await AddAsync("d.jpg");
        await FailThumbnailAsync(failed.Id, "broken");
        await FailThumbnailAsync(working.Id, "broken");
        await CaptionAsync(failed.Id, CaptionOf("y")); // failed only once nothing is still working on it
        await ClaimAsync(done.Id, Work.Thumbnail);
        await Catalog.CompleteThumbnailAsync(done.Id, NodeA.Owner, null, CancellationToken.None);
        await CaptionAsync(done.Id, CaptionOf("x"));

        Assert.Equal([pending.Id], await FindAsync(null, WorkState.Pending));
        Assert.Equal([failed.Id], await FindAsync(null, WorkState.Failed));
        Assert.Equal([done.Id], await FindAsync(null, WorkState.Done));
        Assert.Equal([working.Id], await FindAsync(null, WorkState.Processing));
        Assert.Equal("broken", (await Catalog.GetAsync(failed.Id, CancellationToken.None))!.Thumbnail.Error);
    }

    [ContractFact]
    public async Task Done_work_is_not_claimed_again_and_a_retry_resets_only_what_failed()
    {
        var image = await AddAsync("a.jpg");
        await ClaimAsync(image.Id, Work.Thumbnail);
        await Catalog.CompleteThumbnailAsync(image.Id, NodeA.Owner, null, CancellationToken.None);
        await ClaimAsync(image.Id, Work.Caption);
        await Catalog.FailCaptionAsync(image.Id, NodeA.Owner, 0, "model said no", CancellationToken.None);

        Assert.Equal(ClaimOutcome.Nothing, (await Catalog.ClaimAsync(image.Id, Work.Thumbnail, NodeA, CancellationToken.None)).Outcome);
        Assert.Equal(ClaimOutcome.Nothing, (await Catalog.ClaimAsync(image.Id, Work.Caption, NodeB, CancellationToken.None)).Outcome);

        Assert.True(await Catalog.RetryAsync(image.Id, ObjectKeys.Raw(image.Id, ImageFormat.Jpeg), CancellationToken.None));
        var retried = (await Catalog.GetAsync(image.Id, CancellationToken.None))!;
        Assert.Equal(WorkState.Done, retried.Thumbnail.State);
        Assert.Equal(WorkState.Pending, retried.Caption.State);
        Assert.Equal(0, retried.Caption.Attempts);
        await ClaimAsync(image.Id, Work.Caption, NodeB);
    }

    [ContractFact]
    public async Task Of_many_concurrent_retries_exactly_one_starts_work_again()
    {
        var image = await AddAsync("a.jpg");
        await FailThumbnailAsync(image.Id, "broken");
        var nodes = Enumerable.Range(0, 5).Select(_ => Under.AnotherNode()).ToList();

        var retries = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => nodes[i % nodes.Count].Catalog.RetryAsync(image.Id, ObjectKeys.Raw(image.Id, ImageFormat.Jpeg), CancellationToken.None))));

        Assert.Single(retries, retried => retried);
        Assert.Equal(2, (await Under.Outbox.ReadAsync(10, CancellationToken.None)).Count); // the upload's and the retry's
        foreach (var node in nodes) await node.DisposeAsync();
    }

    [ContractFact]
    public async Task A_recaption_keeps_the_old_caption_until_the_new_one_arrives()
    {
        var image = await AddAsync("a.jpg");
        await CaptionAsync(image.Id, CaptionOf("old words", "old"));

        Assert.True(await Catalog.RecaptionAsync(image.Id, ObjectKeys.Raw(image.Id, ImageFormat.Jpeg), new CaptionChoice("ollama", "llava:13b"), CancellationToken.None));
        var waiting = (await Catalog.GetAsync(image.Id, CancellationToken.None))!;
        Assert.Equal(WorkState.Pending, waiting.Caption.State);
        Assert.Equal("old words", waiting.CaptionResult!.Text);
        Assert.Equal(new CaptionChoice("ollama", "llava:13b"), waiting.RequestedCaptioner);

        await CaptionAsync(image.Id, CaptionOf("new words", "new"));
        Assert.Empty(await FindAsync("old"));
        var captioned = (await Catalog.GetAsync(image.Id, CancellationToken.None))!;
        Assert.Equal("new words", captioned.CaptionResult!.Text);
        Assert.Null(captioned.RequestedCaptioner);
        Assert.False(await Catalog.RecaptionAsync(ImageId.New(), "raw/x.jpg", null, CancellationToken.None));
    }

    [ContractFact]
    public async Task A_caption_claimed_before_a_recaption_cannot_overwrite_the_newer_one()
    {
        var image = await AddAsync("a.jpg");
        var older = await ClaimAsync(image.Id, Work.Caption); // still running with the old provider
        await Catalog.RecaptionAsync(image.Id, ObjectKeys.Raw(image.Id, ImageFormat.Jpeg), null, CancellationToken.None);

        Assert.Equal(Completion.Superseded, await Catalog.CompleteCaptionAsync(image.Id, NodeA.Owner, older.CaptionGeneration, CaptionOf("From the older request."), CancellationToken.None));
        var newer = await ClaimAsync(image.Id, Work.Caption, NodeB); // the older claim ended with its completion
        Assert.Equal(Completion.Stored, await Catalog.CompleteCaptionAsync(image.Id, NodeB.Owner, newer.CaptionGeneration, CaptionOf("From the newer request."), CancellationToken.None));
        await Catalog.FailCaptionAsync(image.Id, NodeA.Owner, older.CaptionGeneration, "the older request failed", CancellationToken.None);

        var read = (await Catalog.GetAsync(image.Id, CancellationToken.None))!;
        Assert.Equal("From the newer request.", read.CaptionResult!.Text);
        Assert.Equal(WorkState.Done, read.Caption.State);
    }

    [ContractFact]
    public async Task A_bulk_recaption_selects_the_search_result_and_counts_its_progress()
    {
        var a = await AddAsync("harbour-1.jpg");
        var b = await AddAsync("harbour-2.jpg");
        var c = await AddAsync("harbour-3.jpg");
        var other = await AddAsync("forest.jpg");
        foreach (var image in new[] { a, b, c, other }) await CaptionAsync(image.Id, CaptionOf("Water."));

        var job = await Catalog.RecaptionAllAsync("harbour", null, new CaptionChoice("offline", null), ObjectKeys.Raw, CancellationToken.None);
        Assert.Equal((3, 3, false), (job.Total, job.Pending, job.Finished));
        Assert.Equal(WorkState.Done, (await Catalog.GetAsync(other.Id, CancellationToken.None))!.Caption.State);

        await CaptionAsync(a.Id, CaptionOf("Boats again."));
        var claimed = await ClaimAsync(b.Id, Work.Caption);
        await Catalog.FailCaptionAsync(b.Id, NodeA.Owner, claimed.CaptionGeneration, "no", CancellationToken.None);
        await Catalog.DeleteAsync(c.Id, CancellationToken.None);

        var progress = (await Catalog.GetRecaptionJobAsync(job.Id, CancellationToken.None))!;
        Assert.Equal((3, 1, 1, 1, 0, true), (progress.Total, progress.Done, progress.Failed, progress.Deleted, progress.Pending, progress.Finished));
        Assert.Equal(new CaptionChoice("offline", null), progress.Choice);
        Assert.Equal("harbour", progress.Search);

        var everything = await Catalog.RecaptionAllAsync(null, null, null, ObjectKeys.Raw, CancellationToken.None);
        Assert.Equal(3, everything.Total);
        Assert.Null(await Catalog.GetRecaptionJobAsync(Guid.CreateVersion7().ToString(), CancellationToken.None));
    }

    [ContractFact]
    public async Task Deleting_removes_the_row_and_its_search_entry()
    {
        var image = await AddAsync("gone.jpg");

        Assert.NotNull(await Catalog.DeleteAsync(image.Id, CancellationToken.None));

        Assert.Null(await Catalog.GetAsync(image.Id, CancellationToken.None));
        Assert.Empty(await FindAsync("gone"));
        Assert.Null(await Catalog.DeleteAsync(image.Id, CancellationToken.None));
        Assert.Equal(ClaimOutcome.Nothing, (await Catalog.ClaimAsync(image.Id, Work.Thumbnail, NodeA, CancellationToken.None)).Outcome);
        Assert.Equal(Completion.Deleted, await Catalog.CompleteThumbnailAsync(image.Id, NodeA.Owner, null, CancellationToken.None));
    }

    [ContractFact]
    public async Task Missing_ids_are_the_ones_without_a_row()
    {
        var kept = await AddAsync("kept.jpg");
        var unknown = ImageId.New();

        var missing = await Catalog.FindMissingAsync([kept.Id, unknown], CancellationToken.None);

        Assert.Equal([unknown], missing);
    }
}
