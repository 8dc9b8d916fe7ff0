namespace Annotator.Catalog;

/// <summary>What a person decided about an image's caption.</summary>
public enum ReviewStatus { Accepted, Edited, Rejected }

/// <summary>
/// A person's review of an image: the prediction accepted as it was (its text and tags copied, so a later re-caption
/// cannot change what was accepted), edited (the text and tags the person wrote), or rejected (with an optional reason);
/// who (the account's id and user name then) and when. The model's caption, the prediction, is kept beside it.
/// </summary>
public sealed record Annotation(
    ReviewStatus Status, string? Text, IReadOnlyList<string> Tags, string? Reason, string? ById, string? ByName, DateTimeOffset At);

/// <summary>
/// What a reviewer asks for: <see cref="ReviewStatus.Accepted"/> takes the prediction as it is when the review is stored;
/// <see cref="ReviewStatus.Edited"/> takes <see cref="Text"/> and <see cref="Tags"/> (null: the prediction's tags);
/// <see cref="ReviewStatus.Rejected"/> takes an optional <see cref="Reason"/>.
/// </summary>
public sealed record Review(ReviewStatus Status, string? Text, IReadOnlyList<string>? Tags, string? Reason, Reviewer By);

/// <summary>Who reviews: the account's id and its user name.</summary>
public sealed record Reviewer(string Id, string Name);

/// <summary>How a review ended: stored (with the image as it is now), the image unknown, or nothing to accept yet.</summary>
public enum ReviewOutcome { Stored, NotFound, NoPrediction }

public sealed record ReviewResult(ReviewOutcome Outcome, ImageRecord? Image);

public static class ReviewStatuses
{
    public static string Name(this ReviewStatus status) => status switch
    {
        ReviewStatus.Accepted => "accepted",
        ReviewStatus.Edited => "edited",
        ReviewStatus.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? text, out ReviewStatus status)
    {
        status = text switch
        {
            "accepted" => ReviewStatus.Accepted,
            "edited" => ReviewStatus.Edited,
            "rejected" => ReviewStatus.Rejected,
            _ => (ReviewStatus)(-1),
        };
        return status >= 0;
    }
}
