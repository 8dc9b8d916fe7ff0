using Annotator.Captioning;
using Annotator.Catalog;
using Annotator.Catalog.Sqlite;
using Annotator.Events;
using Annotator.Images;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Catalog;

public sealed class SqliteCatalogTests : IDisposable
{
    private readonly TempCatalog _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<ImageRecord> AddAsync(string name, ImageFacts? facts = null)
    {
        var image = new ImageRecord
        {
            Id = ImageId.New(), FileName = name, Format = ImageFormat.Jpeg, Width = 640, Height = 480, SizeBytes = 1234,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), Facts = facts ?? ImageFacts.None,
        };
        await _temp.Catalog.AddAsync(image, $"raw/{image.Id}.jpg", CancellationToken.None);
        return image;
    }

    private async Task CaptionAsync(ImageId id, Caption caption)
    {
        var started = (await _temp.Catalog.StartAsync(id, Work.Caption, CancellationToken.None))!;
        Assert.True(await _temp.Catalog.CompleteCaptionAsync(id, started.CaptionGeneration, caption, CancellationToken.None));
    }

    private static Caption CaptionOf(string text, params string[] tags) => new() { Text = text, Tags = tags, Provider = "offline", Model = "m" };

    [Fact]
    public async Task An_added_image_reads_back_whole_with_its_event_in_the_outbox()
    {
        var added = await AddAsync("cat.jpg", new ImageFacts { CameraMake = "Canon", CameraModel = "Canon EOS 1300D", Latitude = 1.5 });

        var read = await _temp.Catalog.GetAsync(added.Id, CancellationToken.None);
        Assert.Equal(added with { }, read! with { });
        Assert.Equal("Canon EOS 1300D", read.Facts.Camera);
        var outbox = await _temp.Outbox.ReadAsync(0, 1, 10, CancellationToken.None);
        Assert.Equal($"raw/{added.Id}.jpg", Assert.Single(outbox).Event.Key);
    }

    [Fact]
    public async Task Pages_run_newest_first_and_the_cursor_continues_without_gaps_or_repeats()
    {
        var ids = new List<ImageId>();
        for (var i = 0; i < 7; i++) ids.Add((await AddAsync($"p{i}.jpg")).Id);

        var seen = new List<ImageId>();
        ImageId? cursor = null;
        do
        {
            var page = await _temp.Catalog.ListAsync(new ImageQuery(cursor, 3, null, null), CancellationToken.None);
            seen.AddRange(page.Items.Select(i => i.Id));
            cursor = page.Next;
        } while (cursor is not null);

        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
    }

    [Fact]
    public async Task Search_finds_captions_tags_and_file_names_by_word_prefix()
    {
        var dog = await AddAsync("holiday-2024.jpg");
        var cat = await AddAsync("IMG_0001.jpg");
        await CaptionAsync(dog.Id, CaptionOf("A brown dog on a beach.", "dog", "beach"));
        await CaptionAsync(cat.Id, CaptionOf("A cat asleep.", "cat", "indoors"));

        async Task<IEnumerable<ImageId>> Find(string q) => (await _temp.Catalog.ListAsync(new ImageQuery(null, 10, q, null), CancellationToken.None)).Items.Select(i => i.Id);

        Assert.Equal([dog.Id], await Find("beach"));
        Assert.Equal([dog.Id], await Find("bro"));
        Assert.Equal([cat.Id], await Find("indoors"));
        Assert.Equal([cat.Id], await Find("img_0001"));
        Assert.Equal([dog.Id], await Find("holiday 2024"));
        Assert.Empty(await Find("dog cat"));
        // FTS5 syntax in the input is just text, never an error.
        Assert.Empty(await Find("\"NEAR(dog* OR file_name:x"));
    }

    [Fact]
    public async Task The_state_filter_uses_the_combined_state()
    {
        var pending = await AddAsync("a.jpg");
        var failed = await AddAsync("b.jpg");
        var done = await AddAsync("c.jpg");
        var working = await AddAsync("d.jpg");
        foreach (var image in new[] { failed, working })
        {
            await _temp.Catalog.StartAsync(image.Id, Work.Thumbnail, CancellationToken.None);
            await _temp.Catalog.FailAsync(image.Id, Work.Thumbnail, "broken", CancellationToken.None);
        }
        await CaptionAsync(failed.Id, CaptionOf("y")); // failed only once nothing is still working on it
        await _temp.Catalog.StartAsync(done.Id, Work.Thumbnail, CancellationToken.None);
        await _temp.Catalog.CompleteThumbnailAsync(done.Id, CancellationToken.None);
        await CaptionAsync(done.Id, CaptionOf("x"));

        async Task<ImageId[]> With(WorkState state) => [.. (await _temp.Catalog.ListAsync(new ImageQuery(null, 10, null, state), CancellationToken.None)).Items.Select(i => i.Id)];

        Assert.Equal([pending.Id], await With(WorkState.Pending));
        Assert.Equal([failed.Id], await With(WorkState.Failed));
        Assert.Equal([done.Id], await With(WorkState.Done));
        Assert.Equal([working.Id], await With(WorkState.Processing));
        Assert.Equal("broken", (await _temp.Catalog.GetAsync(failed.Id, CancellationToken.None))!.Thumbnail.Error);
    }

    [Fact]
    public async Task Done_work_is_not_started_again_and_a_retry_resets_only_what_failed()
    {
        var image = await AddAsync("a.jpg");
        await _temp.Catalog.StartAsync(image.Id, Work.Thumbnail, CancellationToken.None);
        await _temp.Catalog.CompleteThumbnailAsync(image.Id, CancellationToken.None);
        await _temp.Catalog.StartAsync(image.Id, Work.Caption, CancellationToken.None);
        await _temp.Catalog.FailAsync(image.Id, Work.Caption, "model said no", CancellationToken.None);

        Assert.Null(await _temp.Catalog.StartAsync(image.Id, Work.Thumbnail, CancellationToken.None));
        Assert.Null(await _temp.Catalog.StartAsync(image.Id, Work.Caption, CancellationToken.None));

        Assert.True(await _temp.Catalog.RetryAsync(image.Id, $"raw/{image.Id}.jpg", CancellationToken.None));
        var retried = (await _temp.Catalog.GetAsync(image.Id, CancellationToken.None))!;
        Assert.Equal(WorkState.Done, retried.Thumbnail.State);
        Assert.Equal(WorkState.Pending, retried.Caption.State);
        Assert.NotNull(await _temp.Catalog.StartAsync(image.Id, Work.Caption, CancellationToken.None));
    }

    [Fact]
    public async Task Of_many_concurrent_retries_exactly_one_starts_work_again()
    {
        var image = await AddAsync("a.jpg");
        await _temp.Catalog.StartAsync(image.Id, Work.Thumbnail, CancellationToken.None);
        await _temp.Catalog.FailAsync(image.Id, Work.Thumbnail, "broken", CancellationToken.None);

        var retries = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            Task.Run(() => _temp.Catalog.RetryAsync(image.Id, $"raw/{image.Id}.jpg", CancellationToken.None))));

        Assert.Single(retries, retried => retried);
    }

    [Fact]
    public async Task Work_that_keeps_dying_is_failed_after_the_attempt_limit()
    {
        var image = await AddAsync("poison.jpg");
        for (var i = 0; i < WorkAttempts.Max; i++)
            Assert.NotNull(await _temp.Catalog.StartAsync(image.Id, Work.Thumbnail, CancellationToken.None)); // each "crashes": never completes

        Assert.Null(await _temp.Catalog.StartAsync(image.Id, Work.Thumbnail, CancellationToken.None));
        var status = (await _temp.Catalog.GetAsync(image.Id, CancellationToken.None))!.Thumbnail;
        Assert.Equal(WorkState.Failed, status.State);
        Assert.Contains("interrupted", status.Error);
    }

    [Fact]
    public async Task A_recaption_keeps_the_old_caption_until_the_new_one_arrives()
    {
        var image = await AddAsync("a.jpg");
        await CaptionAsync(image.Id, CaptionOf("old words", "old"));

        await _temp.Catalog.RecaptionAsync(image.Id, $"raw/{image.Id}.jpg", choice: null, CancellationToken.None);
        var waiting = (await _temp.Catalog.GetAsync(image.Id, CancellationToken.None))!;
        Assert.Equal(WorkState.Pending, waiting.Caption.State);
        Assert.Equal("old words", waiting.CaptionResult!.Text);

        await CaptionAsync(image.Id, CaptionOf("new words", "new"));
        var page = await _temp.Catalog.ListAsync(new ImageQuery(null, 10, "old", null), CancellationToken.None);
        Assert.Empty(page.Items);
        Assert.Equal("new words", (await _temp.Catalog.GetAsync(image.Id, CancellationToken.None))!.CaptionResult!.Text);
    }

    [Fact]
    public async Task Deleting_removes_the_row_and_its_search_entry_and_announces_it()
    {
        var image = await AddAsync("gone.jpg");
        using var listener = _temp.Changes.Subscribe();

        Assert.NotNull(await _temp.Catalog.DeleteAsync(image.Id, CancellationToken.None));

        Assert.Null(await _temp.Catalog.GetAsync(image.Id, CancellationToken.None));
        Assert.Empty((await _temp.Catalog.ListAsync(new ImageQuery(null, 10, "gone", null), CancellationToken.None)).Items);
        Assert.True(listener.Reader.TryRead(out var change) && change.Deleted && change.Id == image.Id);
        Assert.Null(await _temp.Catalog.DeleteAsync(image.Id, CancellationToken.None));
        Assert.False(await _temp.Catalog.CompleteThumbnailAsync(image.Id, CancellationToken.None));
    }

    [Fact]
    public async Task An_outbox_entry_leaves_only_when_every_subscriber_acknowledged_it()
    {
        await AddAsync("a.jpg");
        var entry = Assert.Single(await _temp.Outbox.ReadAsync(0, 1, 10, CancellationToken.None));

        await _temp.Outbox.AcknowledgeAsync(entry.Id, 1, 3, CancellationToken.None);
        Assert.Empty(await _temp.Outbox.ReadAsync(0, 1, 10, CancellationToken.None));
        Assert.Single(await _temp.Outbox.ReadAsync(0, 2, 10, CancellationToken.None));

        await _temp.Outbox.AcknowledgeAsync(entry.Id, 2, 3, CancellationToken.None);
        Assert.Empty(await _temp.Outbox.ReadAsync(0, 2, 10, CancellationToken.None));
    }
}
