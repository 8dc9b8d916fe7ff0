using Annotator.Access;
using Annotator.Catalog;
using Annotator.Images;
using Annotator.Sql;
using Annotator.Storage;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>Human review: the annotation beside the prediction, review filters, bulk acceptance, and their feed changes.</summary>
public abstract partial class CatalogContract
{
    private static readonly Reviewer Ada = new("ada-id", "Ada");

    private Task<ReviewResult> ReviewAsync(ImageId id, ReviewStatus status, string? text = null, string[]? tags = null, string? reason = null, AuditEntry? audit = null) =>
        Catalog.ReviewAsync(id, new Review(status, text, tags, reason, Ada), audit, CancellationToken.None);

    private async Task<ImageId[]> ListReviewAsync(string review, string? provider = null, string? model = null)
    {
        Assert.True(ReviewFilter.TryParse(review, out var filter, out _));
        var page = await Catalog.ListAsync(new ImageQuery(null, 50, null, null, Review: filter, Provider: provider, Model: model), CancellationToken.None);
        return [.. page.Items.Select(i => i.Id)];
    }

    private static string[] Sorted(IEnumerable<ImageId> ids) => [.. ids.Select(i => i.ToString()).Order()];

    [ContractFact]
    public async Task An_acceptance_copies_the_prediction_and_a_recaption_makes_a_new_prediction_without_touching_it()
    {
        var image = await AddAsync("dog.jpg");
        await CaptionAsync(image.Id, CaptionOf("A dog on a beach.", "dog", "beach"));
        var before = (await Catalog.GetAsync(image.Id, CancellationToken.None))!;

        var accepted = await ReviewAsync(image.Id, ReviewStatus.Accepted);

        Assert.Equal(ReviewOutcome.Stored, accepted.Outcome);
        var annotation = accepted.Image!.Annotation!;
        Assert.Equal((ReviewStatus.Accepted, "A dog on a beach.", "ada-id", "Ada"), (annotation.Status, annotation.Text, annotation.ById, annotation.ByName));
        Assert.Equal(["dog", "beach"], annotation.Tags);
        Assert.True(accepted.Image.Version > before.Version);
        Assert.NotNull(before.CaptionedAt);

        await Catalog.RecaptionAsync(image.Id, ObjectKeys.Raw(image.Id, image.Format), null, CancellationToken.None);
        await CaptionAsync(image.Id, CaptionOf("A brown dog running.", "dog"));

        var read = (await Catalog.GetAsync(image.Id, CancellationToken.None))!;
        Assert.Equal("A brown dog running.", read.CaptionResult!.Text);
        Assert.True(read.CaptionedAt >= before.CaptionedAt);
        Assert.Equal(annotation with { Tags = [] }, read.Annotation! with { Tags = [] });
        Assert.Equal(annotation.Tags, read.Annotation.Tags);
    }

    [ContractFact]
    public async Task An_edit_keeps_the_persons_text_and_tags_and_a_rejection_its_reason_each_replacing_the_last_review()
    {
        var image = await AddAsync("cat.jpg");
        await CaptionAsync(image.Id, CaptionOf("A dog.", "dog"));

        var edited = (await ReviewAsync(image.Id, ReviewStatus.Edited, "A grey cat asleep.", ["cat", "grey"])).Image!.Annotation!;
        Assert.Equal((ReviewStatus.Edited, "A grey cat asleep.", null), (edited.Status, edited.Text, edited.Reason));
        Assert.Equal(["cat", "grey"], edited.Tags);
        var keptTags = (await ReviewAsync(image.Id, ReviewStatus.Edited, "A cat.")).Image!.Annotation!;
        Assert.Equal(["dog"], keptTags.Tags); // no tags given: the prediction's

        var rejected = (await ReviewAsync(image.Id, ReviewStatus.Rejected, reason: "blurry")).Image!.Annotation!;
        Assert.Equal((ReviewStatus.Rejected, null, "blurry"), (rejected.Status, rejected.Text, rejected.Reason));
        Assert.Empty(rejected.Tags);
        Assert.Equal("A dog.", (await Catalog.GetAsync(image.Id, CancellationToken.None))!.CaptionResult!.Text);
    }

    [ContractFact]
    public async Task Nothing_to_accept_before_a_prediction_and_an_unknown_image_is_not_found_and_neither_changes_anything()
    {
        var image = await AddAsync("pending.jpg");
        var version = await Catalog.LatestVersionAsync(CancellationToken.None);

        Assert.Equal(ReviewOutcome.NoPrediction, (await ReviewAsync(image.Id, ReviewStatus.Accepted)).Outcome);
        Assert.Equal(ReviewOutcome.NotFound, (await ReviewAsync(ImageId.New(), ReviewStatus.Rejected)).Outcome);

        Assert.Equal(version, await Catalog.LatestVersionAsync(CancellationToken.None));
        Assert.Null((await Catalog.GetAsync(image.Id, CancellationToken.None))!.Annotation);
        // A person may still write the caption the model has not.
        Assert.Equal("A red door.", (await ReviewAsync(image.Id, ReviewStatus.Edited, "A red door.")).Image!.Annotation!.Text);
    }

    [ContractFact]
    public async Task A_review_is_a_change_in_the_feed_and_its_audit_entry_is_written_with_it()
    {
        var image = await AddAsync("feed.jpg");
        await CaptionAsync(image.Id, CaptionOf("x"));
        var start = await Catalog.LatestVersionAsync(CancellationToken.None);
        var audit = new AuditEntry(0, DateTimeOffset.UtcNow, "ada-id", "Ada", "image.review", image.Id.ToString(), "accepted", null);

        var reviewed = (await ReviewAsync(image.Id, ReviewStatus.Accepted, audit: audit)).Image!;

        var change = Assert.Single(await Catalog.ReadChangesAsync(start, 10, CancellationToken.None));
        Assert.Equal((image.Id, false, reviewed.Version), (change.Id, change.Deleted, change.Version));
        var entries = await new SqlAuditLog(Under.Access).ListAsync(null, 10, null, image.Id.ToString(), CancellationToken.None);
        Assert.Equal(("image.review", "Ada"), (Assert.Single(entries).Action, entries[0].ActorName));
    }

    [ContractFact]
    public async Task Review_filters_take_unreviewed_and_any_set_of_states_and_combine_with_provider_and_model()
    {
        var unreviewed = await AddAsync("u.jpg");
        var accepted = await AddAsync("a.jpg");
        var edited = await AddAsync("e.jpg");
        var rejected = await AddAsync("r.jpg");
        foreach (var image in new[] { unreviewed, accepted, edited, rejected }) await CaptionAsync(image.Id, CaptionOf("x"));
        var other = await AddAsync("o.jpg");
        await CaptionAsync(other.Id, CaptionOf("x") with { Provider = "gemini", Model = "gemini-2.5-flash" });
        await ReviewAsync(accepted.Id, ReviewStatus.Accepted);
        await ReviewAsync(edited.Id, ReviewStatus.Edited, "y");
        await ReviewAsync(rejected.Id, ReviewStatus.Rejected);

        Assert.Equal([other.Id, unreviewed.Id], await ListReviewAsync("unreviewed"));
        Assert.Equal([edited.Id, accepted.Id], await ListReviewAsync("accepted,edited"));
        Assert.Equal([rejected.Id, unreviewed.Id], await ListReviewAsync("rejected, unreviewed", provider: "offline"));
        Assert.Equal([other.Id], await ListReviewAsync("unreviewed", provider: "gemini", model: "gemini-2.5-flash"));
        Assert.Empty(await ListReviewAsync("unreviewed", model: "no-such-model"));
        Assert.Empty(await ListReviewAsync(","));
        Assert.True(ReviewFilter.TryParse("unreviewed", out var filter, out _));
        Assert.Equal(2, await Catalog.CountAsync(new ImageQuery(null, 1, null, null, Review: filter), CancellationToken.None));
        Assert.Equal(1, await Catalog.CountAsync(new ImageQuery(null, 1, "o", null, Review: filter, Provider: "gemini"), CancellationToken.None));
    }

    [ContractFact]
    public async Task Search_finds_an_edited_caption_by_the_persons_words_until_a_new_review_replaces_them()
    {
        var image = await AddAsync("IMG_0001.jpg");
        await CaptionAsync(image.Id, CaptionOf("A dog on a beach.", "dog"));
        async Task<bool> FoundAsync(string search) =>
            (await Catalog.ListAsync(new ImageQuery(null, 10, search, null), CancellationToken.None)).Items.Any(i => i.Id == image.Id);

        await ReviewAsync(image.Id, ReviewStatus.Edited, "Zwei Möwen über dem Hafen.", ["harbour"]);

        Assert.True(await FoundAsync("möwen"));
        Assert.True(await FoundAsync("Hafen harb"));
        Assert.True(await FoundAsync("dog")); // the prediction is still searched
        await ReviewAsync(image.Id, ReviewStatus.Rejected);
        Assert.False(await FoundAsync("möwen"));
        Assert.True(await FoundAsync("beach"));
    }

    [ContractFact]
    public async Task A_bulk_acceptance_takes_only_unreviewed_images_with_a_prediction_atomically_with_one_change_each()
    {
        var a = await AddAsync("a.jpg");
        var b = await AddAsync("b.jpg");
        var edited = await AddAsync("edited.jpg");
        var pending = await AddAsync("pending.jpg");
        foreach (var image in new[] { a, b, edited }) await CaptionAsync(image.Id, CaptionOf($"caption of {image.FileName}"));
        await ReviewAsync(edited.Id, ReviewStatus.Edited, "a person's words");
        var start = await Catalog.LatestVersionAsync(CancellationToken.None);
        var audit = new AuditEntry(0, DateTimeOffset.UtcNow, "ada-id", "Ada", "images.accept", null, null, null);

        var done = await Catalog.AcceptAllAsync([a.Id, b.Id, edited.Id, pending.Id, ImageId.New()], Ada, audit, CancellationToken.None);

        Assert.Equal(Sorted([a.Id, b.Id]), Sorted(done));
        Assert.Equal("caption of a.jpg", (await Catalog.GetAsync(a.Id, CancellationToken.None))!.Annotation!.Text);
        Assert.Equal("a person's words", (await Catalog.GetAsync(edited.Id, CancellationToken.None))!.Annotation!.Text);
        Assert.Null((await Catalog.GetAsync(pending.Id, CancellationToken.None))!.Annotation);
        var changes = await Catalog.ReadChangesAsync(start, 10, CancellationToken.None);
        Assert.Equal(Sorted([a.Id, b.Id]), Sorted(changes.Select(c => c.Id)));
        Assert.Equal([start + 1, start + 2], changes.Select(c => c.Version));
        foreach (var id in done) Assert.Equal(changes.Single(c => c.Id == id).Version, (await Catalog.GetAsync(id, CancellationToken.None))!.Version);
        Assert.Equal("2 image(s)", Assert.Single(await new SqlAuditLog(Under.Access).ListAsync(null, 10, "ada-id", null, CancellationToken.None)).Detail);
        Assert.Empty(await Catalog.AcceptAllAsync([a.Id, edited.Id], Ada, null, CancellationToken.None));
    }
}
