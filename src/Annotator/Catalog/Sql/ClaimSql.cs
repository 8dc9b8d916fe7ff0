namespace Annotator.Catalog.Sql;

/// <summary>
/// Claims with leases (docs/ARCHITECTURE.md, "Across nodes") as the statements every SQL catalog runs on an
/// <c>images</c> row, and what a claim that took nothing means. The rule is the same on SQLite, MariaDB/MySQL and
/// PostgreSQL and so is its SQL (an engine only adds what it reads back, such as <c>RETURNING</c>): it is written once,
/// here. <c>p</c> is the work's column prefix (<see cref="Prefix"/>); statements take <c>@id</c>, <c>@owner</c>,
/// <c>@now</c> and <c>@until</c>, times in milliseconds since the epoch.
/// </summary>
public static class ClaimSql
{
    /// <summary>The prefix of a piece of work's columns: <c>thumb_…</c> or <c>caption_…</c>.</summary>
    public static string Prefix(Work work) => work == Work.Thumbnail ? "thumb" : "caption";

    /// <summary>When a lease taken or renewed at <paramref name="now"/> ends.</summary>
    public static long Until(long now, WorkLease lease) => now + (long)lease.Duration.TotalMilliseconds;

    /// <summary>
    /// Takes the work and counts the attempt, when it is pending, or processing under no lease, under the owner's own,
    /// or under one that expired (its node died: that attempt counts). Of concurrent claims one matches the row.
    /// </summary>
    public static string Claim(string p) => $"""
        UPDATE images SET {p}_state = 'processing', {p}_started_at = @now, {p}_finished_at = NULL,
                          {p}_attempts = {p}_attempts + 1, {p}_error = NULL, {p}_lease_owner = @owner, {p}_lease_until = @until
        WHERE id = @id AND {p}_state IN ('pending', 'processing')
          AND ({p}_lease_owner IS NULL OR {p}_lease_owner = @owner OR {p}_lease_until <= @now)
        """;

    /// <summary>The work's state and lease end, read after a <see cref="Claim"/> took nothing.</summary>
    public static string Holder(string p) => $"SELECT {p}_state, {p}_lease_until FROM images WHERE id = @id";

    /// <summary>
    /// What a claim that took nothing answers, from <see cref="Holder"/>: busy until the lease ends while the work waits or
    /// runs under another owner's live lease; otherwise nothing to do (done, failed, or no such image).
    /// </summary>
    public static WorkClaim NotClaimed((string State, long? Until)? holder) =>
        holder is { State: "pending" or "processing", Until: { } until }
            ? new WorkClaim(ClaimOutcome.Busy, BusyUntil: DateTimeOffset.FromUnixTimeMilliseconds(until))
            : WorkClaim.Nothing;

    /// <summary>
    /// Fails a poison image's work with <c>@reason</c> (<see cref="WorkAttempts.Exhausted"/>) once a claim counted more than
    /// <see cref="WorkAttempts.Max"/> attempts: each earlier one took its process down with it.
    /// </summary>
    public static string Exhaust(string p) => $"""
        UPDATE images SET {p}_state = 'failed', {p}_finished_at = @now, {p}_error = @reason, {p}_lease_owner = NULL, {p}_lease_until = NULL
        WHERE id = @id
        """;

    /// <summary>Extends the owner's lease to <c>@until</c>; matches nothing when the claim is no longer the owner's.</summary>
    public static string Renew(string p) => $"UPDATE images SET {p}_lease_until = @until WHERE id = @id AND {p}_lease_owner = @owner";

    /// <summary>Ends the owner's claim, if it still holds one, and changes nothing else.</summary>
    public static string EndClaim(string p) =>
        $"UPDATE images SET {p}_lease_owner = NULL, {p}_lease_until = NULL WHERE id = @id AND {p}_lease_owner = @owner";
}
