namespace Annotator.Catalog;

/// <summary>
/// Which review states a list or an export takes: any of unreviewed (no annotation yet), accepted, edited, rejected.
/// Written as a comma-separated list (<c>accepted,edited</c>).
/// </summary>
public sealed record ReviewFilter(bool Unreviewed, IReadOnlySet<ReviewStatus> Statuses)
{
    public const string Names = "unreviewed, accepted, edited, rejected";

    /// <summary>What an export takes unless told otherwise: what a person has checked and kept.</summary>
    public static readonly ReviewFilter Kept = new(false, new HashSet<ReviewStatus> { ReviewStatus.Accepted, ReviewStatus.Edited });

    public static bool TryParse(string? text, out ReviewFilter? filter, out string? bad)
    {
        filter = null;
        bad = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var unreviewed = false;
        var statuses = new HashSet<ReviewStatus>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "unreviewed") unreviewed = true;
            else if (ReviewStatuses.TryParse(part, out var status)) statuses.Add(status);
            else
            {
                bad = part;
                return false;
            }
        }
        filter = new ReviewFilter(unreviewed, statuses);
        return true;
    }

    public override string ToString() =>
        string.Join(',', (Unreviewed ? ["unreviewed"] : Array.Empty<string>()).Concat(Statuses.Order().Select(s => s.Name())));
}
