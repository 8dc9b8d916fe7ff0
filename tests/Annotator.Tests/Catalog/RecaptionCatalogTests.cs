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
    private readonly string _folder = Directory.CreateTempSubdirectory("annotator-catalog-test-").FullName;
    private readonly SqliteImageCatalog _catalog;

    public RecaptionCatalogTests()
    {
        var database = new SqliteDatabase(Options.Create(new CatalogOptions { Sqlite = { Path = Path.Combine(_folder, "annotator.db") } }));
        _catalog = new SqliteImageCatalog(database, new ImageChanges(), new OutboxSignal(), TimeProvider.System);
    }

    private async Task<ImageId> AddCaptionedAsync(string fileName, string text)
    {
        var id = ImageId.New();
        await _catalog.AddAsync(new ImageRecord
        {
            Id = id, FileName = fileName, Format = ImageFormat.Jpeg, Width = 640, Height = 480, SizeBytes = 1000, CreatedAt = DateTimeOffset.UtcNow,
        }, ObjectKeys.Raw(id, ImageFormat.Jpeg), default);
        var started = (await _catalog.StartAsync(id, Work.Caption, default))!;
        Assert.True(await _catalog.CompleteCaptionAsync(id, started.CaptionGeneration, Caption(text, "gemini"), default));
        return id;
    }

    private static Caption Caption(string text, string provider, string model = "m") =>
        new() { Text = text, Tags = ["tag"], Provider = provider, Model = model };

    [Fact]
    public async Task A_recaption_remembers_its_captioner_and_keeps_the_old_caption_until_the_new_one_arrives()
    {
        var id = await AddCaptionedAsync("harbour.jpg", "The old caption.");

        await _catalog.RecaptionAsync(id, ObjectKeys.Raw(id, ImageFormat.Jpeg), new CaptionChoice("ollama", "llava:13b"), default);
        var pending = (await _catalog.GetAsync(id, default))!;
        Assert.Equal(WorkState.Pending, pending.Caption.State);
        Assert.Equal("The old caption.", pending.CaptionResult!.Text);
        Assert.Equal(new CaptionChoice("ollama", "llava:13b"), pending.RequestedCaptioner);

        var started = (await _catalog.StartAsync(id, Work.Caption, default))!;
        Assert.Equal(new CaptionChoice("ollama", "llava:13b"), started.RequestedCaptioner);
        await _catalog.CompleteCaptionAsync(id, started.CaptionGeneration, Caption("The new caption.", "ollama", "llava:13b"), default);

        var done = (await _catalog.GetAsync(id, default))!;
        Assert.Equal(("The new caption.", "ollama", "llava:13b"), (done.CaptionResult!.Text, done.CaptionResult.Provider, done.CaptionResult.Model));
        Assert.Null(done.RequestedCaptioner);
    }

    [Fact]
    public async Task A_caption_started_before_a_recaption_cannot_overwrite_the_new_one()
    {
        var id = await AddCaptionedAsync("harbour.jpg", "First.");
        await _catalog.RecaptionAsync(id, ObjectKeys.Raw(id, ImageFormat.Jpeg), null, default);
        var older = (await _catalog.StartAsync(id, Work.Caption, default))!;  // e.g. still running with the old provider
        await _catalog.RecaptionAsync(id, ObjectKeys.Raw(id, ImageFormat.Jpeg), new CaptionChoice("offline", null), default);
        var newer = (await _catalog.StartAsync(id, Work.Caption, default))!;

        Assert.True(await _catalog.CompleteCaptionAsync(id, newer.CaptionGeneration, Caption("From the newer request.", "offline"), default));
        Assert.False(await _catalog.CompleteCaptionAsync(id, older.CaptionGeneration, Caption("From the older request.", "gemini"), default));
        await _catalog.FailCaptionAsync(id, older.CaptionGeneration, "the older request failed", default);

        var image = (await _catalog.GetAsync(id, default))!;
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

        var job = await _catalog.RecaptionAllAsync("harbour", null, new CaptionChoice("offline", null), ObjectKeys.Raw, default);
        Assert.Equal((3, 3, false), (job.Total, job.Pending, job.Finished));
        Assert.Equal(WorkState.Done, (await _catalog.GetAsync(other, default))!.Caption.State);

        var started = (await _catalog.StartAsync(a, Work.Caption, default))!;
        await _catalog.CompleteCaptionAsync(a, started.CaptionGeneration, Caption("Boats again.", "offline"), default);
        started = (await _catalog.StartAsync(b, Work.Caption, default))!;
        await _catalog.FailCaptionAsync(b, started.CaptionGeneration, "no", default);
        await _catalog.DeleteAsync(c, default);

        var progress = (await _catalog.GetRecaptionJobAsync(job.Id, default))!;
        Assert.Equal((3, 1, 1, 1, 0, true), (progress.Total, progress.Done, progress.Failed, progress.Deleted, progress.Pending, progress.Finished));
        Assert.Equal(new CaptionChoice("offline", null), progress.Choice);
        Assert.Equal("harbour", progress.Search);

        var everything = await _catalog.RecaptionAllAsync(null, null, null, ObjectKeys.Raw, default);
        Assert.Equal(3, everything.Total);
        Assert.Null(await _catalog.GetRecaptionJobAsync("no-such-job", default));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
