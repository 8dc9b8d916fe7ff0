using Annotator.Catalog;
using Annotator.Images;
using Annotator.Server.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Annotator.Server.Api;

/// <summary>
/// Human review of captions: <c>PUT /api/images/{id}/annotation</c> accepts, edits or rejects one image's prediction;
/// <c>POST /api/annotations/accept</c> accepts a selection. Reviewing is a <c>write</c> right, and the annotation
/// records the signed-in account; each review is audited with it, in its transaction.
/// </summary>
public static class AnnotationsApi
{
    public const int MaxText = 2000;
    public const int MaxTags = 30;
    public const int MaxTag = 50;
    public const int MaxReason = 500;
    public const int MaxSelection = 1000;

    public static IEndpointRouteBuilder MapAnnotationsApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/images/{id}/annotation", ReviewAsync).RequireAuthorization(Rights.Write)
            .WithTags("Review")
            .WithSummary("Review an image's caption: accept the prediction as it is, edit it, or reject it")
            .WithDescription("Body { \"status\": \"accepted\"|\"edited\"|\"rejected\", \"text\"?, \"tags\"?, \"reason\"? }: accepted takes the "
                + "prediction as the image holds it now; edited takes text (and tags, else the prediction's); rejected an optional reason. "
                + "200 with the image; 409 when there is no prediction to accept yet. A re-caption later never changes it.")
            .Produces<ImageDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .DisableAntiforgery();
        app.MapPost("/api/annotations/accept", AcceptAllAsync).RequireAuthorization(Rights.Write)
            .WithTags("Review")
            .WithSummary("Accept the predictions of a selection of images: { ids: [...] }")
            .WithDescription($"Takes only the images of the selection (at most {MaxSelection}) that have a prediction and no review yet, "
                + "so a person's edit or rejection is never overwritten; answers which were accepted.")
            .Produces<AcceptedDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .DisableAntiforgery();
        return app;
    }

    public sealed record ReviewBody(string? Status, string? Text, string[]? Tags, string? Reason);

    public sealed record AcceptBody(string[]? Ids);

    /// <summary>Which of the selection were accepted, and how many were left as they were (reviewed already, no prediction, unknown).</summary>
    public sealed record AcceptedDto(string[] Accepted, int Skipped);

    private static async Task<Results<Ok<ImageDto>, ProblemHttpResult>> ReviewAsync(
        string id, ReviewBody body, IImageCatalog catalog, HttpContext context, CancellationToken cancellationToken)
    {
        if (!ImageId.TryParse(id, out var imageId)) return Problems.ImageNotFound(id);
        if (Check(body, Reviewer(context), out var review) is { } problem) return Problems.BadRequest(problem);
        var audit = Audit.Of(context, "image.review", id, review!.Status.Name() + (review.Reason is { } reason ? $": {reason}" : ""));
        var result = await catalog.ReviewAsync(imageId, review, audit, cancellationToken);
        return result.Outcome switch
        {
            ReviewOutcome.Stored => TypedResults.Ok(ImageDto.From(result.Image!)),
            ReviewOutcome.NoPrediction => Problems.Of(StatusCodes.Status409Conflict, "Nothing to accept",
                $"image '{id}' has no caption yet: edit it with your own text, or accept it once its caption is done"),
            _ => Problems.ImageNotFound(id),
        };
    }

    private static async Task<Results<Ok<AcceptedDto>, ProblemHttpResult>> AcceptAllAsync(
        AcceptBody body, IImageCatalog catalog, HttpContext context, CancellationToken cancellationToken)
    {
        if (body.Ids is not { Length: > 0 } ids) return Problems.BadRequest("ids must list at least one image id");
        if (ids.Length > MaxSelection) return Problems.BadRequest($"ids lists {ids.Length} images; at most {MaxSelection} at once");
        var parsed = new HashSet<ImageId>();
        foreach (var text in ids)
        {
            if (!ImageId.TryParse(text, out var imageId)) return Problems.BadRequest($"'{Shorten(text)}' in ids is not an image id");
            parsed.Add(imageId);
        }
        var accepted = await catalog.AcceptAllAsync(parsed, Reviewer(context), Audit.Of(context, "images.accept", null), cancellationToken);
        return TypedResults.Ok(new AcceptedDto([.. accepted.Select(i => i.ToString())], parsed.Count - accepted.Count));
    }

    private static Reviewer Reviewer(HttpContext context) => new(context.User.UserId() ?? "", context.User.UserName() ?? "");

    /// <summary>The body as a review, or the one line saying what is wrong with it.</summary>
    internal static string? Check(ReviewBody body, Reviewer by, out Review? review)
    {
        review = null;
        if (!ReviewStatuses.TryParse(body.Status, out var status))
            return body.Status is null ? "status is required: accepted, edited or rejected" : $"status '{Shorten(body.Status)}' is not one of accepted, edited, rejected";
        var text = string.IsNullOrWhiteSpace(body.Text) ? null : body.Text.Trim();
        var reason = string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason.Trim();
        if (status != ReviewStatus.Edited && (text is not null || body.Tags is not null))
            return $"{status.Name()} takes no text or tags: send status 'edited' with the text you wrote";
        if (status != ReviewStatus.Rejected && reason is not null) return "a reason goes with status 'rejected' only";
        if (status == ReviewStatus.Edited && text is null) return "edited needs the text you wrote";
        if (text is { Length: > MaxText }) return $"text is {text.Length} characters; at most {MaxText}";
        if (reason is { Length: > MaxReason }) return $"reason is {reason.Length} characters; at most {MaxReason}";
        string[]? tags = null;
        if (body.Tags is not null)
        {
            tags = [.. body.Tags.Select(t => (t ?? "").Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct()];
            if (tags.Length > MaxTags) return $"tags lists {tags.Length} tags; at most {MaxTags}";
            if (tags.FirstOrDefault(t => t.Length > MaxTag) is { } longTag) return $"tag '{Shorten(longTag)}' is longer than {MaxTag} characters";
        }
        review = new Review(status, text, tags, reason, by);
        return null;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
