using Annotator.Captioning;
using Annotator.Catalog;
using Annotator.Catalog.Sqlite;
using Annotator.Events;
using Annotator.Images;
using Annotator.Storage;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Catalog;

/// <summary>
/// Re-captions in the SQLite catalog: the chosen provider is remembered until the new caption arrives, the old
/// caption stays meanwhile, a caption started before a re-caption cannot overwrite it, and bulk jobs count progress.
/// </summary>
public sealed class RecaptionCatalogTests : IDisposable
{
    private readonly TempCatalog _temp = new();

    private async Task<ImageId> AddCaptionedAsync(string fileName, string text)
    {
        var id = ImageId.New();
        await _temp.Catalog.AddAsync(new ImageRecord
        {
            Id = id, FileName = fileName, Format = ImageFormat.Jpeg, Width = 640, Height = 480, SizeBytes = 1000, CreatedAt = DateTimeOffset.UtcNow,
        }, ObjectKeys.Raw(id, ImageFormat.Jpeg), default);
        var started = (await _temp.Catalog.StartAsync(id, Work.Caption, default))!;
        Assert.True(await _temp.Catalog.CompleteCaptionAsync(id, started.CaptionGeneration, Caption(text, "gemini"), default));
        return id;
    }

    private static Caption Caption(string text, string provider, string model = "m") =>
        new() { Text = text, Tags = ["tag"], Provider = provider, Model = model };

    [Fact]
    public async Task A_recaption_remembers_its_captioner_and_keeps_the_old_caption_until_the_new_one_arrives()
    {
        var id = await AddCaptionedAsync("harbour.jpg", "The old caption.");

        await _temp.Catalog.RecaptionAsync(id, ObjectKeys.Raw(id, ImageFormat.Jpeg), new CaptionChoice("ollama", "llava:13b"), default);
        var pending = (await _temp.Catalog.GetAsync(id, default))!;
        Assert.Equal(WorkState.Pending, pending.Caption.State);
        Assert.Equal("The old caption.", pending.CaptionResult!.Text);
        Assert.Equal(new CaptionChoice("ollama", "llava:13b"), pending.RequestedCaptioner);

        var started = (await _temp.Catalog.StartAsync(id, Work.Caption, default))!;
        Assert.Equal(new CaptionChoice("ollama", "llava:13b"), started.RequestedCaptioner);
        await _temp.Catalog.CompleteCaptionAsync(id, started.CaptionGeneration, Caption("The new caption.", "ollama", "llava:13b"), default);

        var done = (await _temp.Catalog.GetAsync(id, default))!;
        Assert.Equal(("The new caption.", "ollama", "llava:13b"), (done.CaptionResult!.Text, done.CaptionResult.Provider, done.CaptionResult.Model));
        Assert.Null(done.RequestedCaptioner);
    }

    [Fact]
    public async Task A_caption_started_before_a_recaption_cannot_overwrite_the_new_one()
    {
        var id = await AddCaptionedAsync("harbour.jpg", "First.");
        await _temp.Catalog.RecaptionAsync(id, ObjectKeys.Raw(id, ImageFormat.Jpeg), null, default);
        var older = (await _temp.Catalog.StartAsync(id, Work.Caption, default))!;  // e.g. still running with the old provider
        await _temp.Catalog.RecaptionAsync(id, ObjectKeys.Raw(id, ImageFormat.Jpeg), new CaptionChoice("offline", null), default);
        var newer = (await _temp.Catalog.StartAsync(id, Work.Caption, default))!;

        Assert.True(await _temp.Catalog.CompleteCaptionAsync(id, newer.CaptionGeneration, Caption("From the newer request.", "offline"), default));
        Assert.False(await _temp.Catalog.CompleteCaptionAsync(id, older.CaptionGeneration, Caption("From the older request.", "gemini"), default));
        await _temp.Catalog.FailCaptionAsync(id, older.CaptionGeneration, "the older request failed", default);

        var image = (await _temp.Catalog.GetAsync(id, default))!;
        Assert.Equal("From the newer request.", image.CaptionResult!.Text);
        Assert.Equal(WorkState.Done, image.Caption.State);
    }

    [Fact]
    public async Task A_bulk_recaption_selects_the_search_result_and_counts_its_progress()
    {
        var a = await AddCaptionedAsync("harbour-1.jpg", "Boats.");
        var b = await AddCaptionedAsync("harbour-2.jpg", "More boats.");
        var c = await AddCaptionedAsync("harbour-3.jpg", "Still boats.");
        var other = await AddCaptionedAsync("forest.jpg", "Trees.");

        var job = await _temp.Catalog.RecaptionAllAsync("harbour", null, new CaptionChoice("offline", null), ObjectKeys.Raw, default);
        Assert.Equal((3, 3, false), (job.Total, job.Pending, job.Finished));
        Assert.Equal(WorkState.Done, (await _temp.Catalog.GetAsync(other, default))!.Caption.State);

        var started = (await _temp.Catalog.StartAsync(a, Work.Caption, default))!;
        await _temp.Catalog.CompleteCaptionAsync(a, started.CaptionGeneration, Caption("Boats again.", "offline"), default);
        started = (await _temp.Catalog.StartAsync(b, Work.Caption, default))!;
        await _temp.Catalog.FailCaptionAsync(b, started.CaptionGeneration, "no", default);
        await _temp.Catalog.DeleteAsync(c, default);

        var progress = (await _temp.Catalog.GetRecaptionJobAsync(job.Id, default))!;
        Assert.Equal((3, 1, 1, 1, 0, true), (progress.Total, progress.Done, progress.Failed, progress.Deleted, progress.Pending, progress.Finished));
        Assert.Equal(new CaptionChoice("offline", null), progress.Choice);
        Assert.Equal("harbour", progress.Search);

        var everything = await _temp.Catalog.RecaptionAllAsync(null, null, null, ObjectKeys.Raw, default);
        Assert.Equal(3, everything.Total);
        Assert.Null(await _temp.Catalog.GetRecaptionJobAsync("no-such-job", default));
    }

    public void Dispose() => _temp.Dispose();
}
