using Annotator.Thumbnails;

namespace Annotator.Catalog.Sql;

/// <summary>
/// Near-duplicates by perceptual hash on every SQL catalog. The distance of two hashes is each engine's own popcount of
/// their XOR (<see cref="Distance"/>: MariaDB/MySQL <c>BIT_COUNT(a ^ b)</c>, PostgreSQL <c>bit_count((a # b)::bit(64))</c>,
/// SQLite a function the adapter registers); the rest is written once, here. Comparing one 64-bit hash with every row is a
/// table scan of integers, 40–100 ms per 100,000 images (bench/RESULTS.md), done once per thumbnail and once per image page.
/// <c>near_duplicates</c> marks the rows that have a near one: set on both when either is hashed, taken off a neighbour
/// of a deleted image that has no other left. The gallery's filter and count read the mark alone, never comparing pairs.
/// </summary>
public static class SimilarSql
{
    /// <summary>An engine's distance between the hash expressions <c>a</c> and <c>b</c>.</summary>
    public delegate string Distance(string a, string b);

    /// <summary>
    /// The other images near <c>@phash</c> (the one just stored for <c>@id</c>), at most 1,000: a plain read, so marking them
    /// then locks those rows only. Rows whose hash is not committed yet are not seen, so two near-duplicates finishing at the
    /// same moment on two nodes may miss each other's mark (their image pages, which compare at read time, still list them).
    /// </summary>
    public static string NearIds(Distance distance) =>
        $"SELECT id FROM images WHERE phash IS NOT NULL AND id <> @id AND {distance("phash", "@phash")} <= @maxDistance ORDER BY id LIMIT 1000";

    /// <summary>
    /// Marks the images <c>@ids</c> (the image and those <see cref="NearIds"/> found) as having near-duplicates;
    /// <paramref name="idIn"/> is the engine's way to test an id against a list (<c>id IN @ids</c>, <c>id = ANY(@ids)</c>).
    /// </summary>
    public static string Mark(string idIn) => $"UPDATE images SET near_duplicates = TRUE WHERE {idIn} AND near_duplicates = FALSE";

    /// <summary>The images near <c>@phash</c> but <c>@id</c>, nearest first, then newest; at most <c>@limit</c>.</summary>
    public static string Find(Distance distance) => $"""
        SELECT {ImageRow.Columns} FROM images
        WHERE phash IS NOT NULL AND id <> @id AND {distance("phash", "@phash")} <= @maxDistance
        ORDER BY {distance("phash", "@phash")}, id DESC LIMIT @limit
        """;

    /// <summary>
    /// Images with thumbnails but no hash (made before V6, or by a worker that computed none), after <c>@after</c> in id order,
    /// at most <c>@limit</c>: the backfill walks them by id, so a row it cannot hash is passed over, not met again.
    /// </summary>
    public const string Unhashed = "SELECT id FROM images WHERE phash IS NULL AND thumb_state = 'done' AND id > @after ORDER BY id LIMIT @limit";

    /// <summary>The backfill's hash for <c>@id</c>, only while it has none: a thumbnail made again meanwhile set its own.</summary>
    public const string StoreHash = "UPDATE images SET phash = @phash WHERE id = @id AND phash IS NULL AND thumb_state = 'done'";

    /// <summary>The gallery's "has near-duplicates" condition: the mark alone, kept true by hashing and deleting.</summary>
    public const string HasNear = "near_duplicates = TRUE";

    /// <summary>
    /// After an image with the hash <c>@phash</c> is deleted: the marked images that were near it, each of which keeps
    /// its mark only if another marked image is near it too (<see cref="AnotherNear"/>). Marks are symmetric, so only
    /// marked rows need looking at.
    /// </summary>
    public static string MarkedNear(Distance distance) =>
        $"SELECT id, phash FROM images WHERE near_duplicates = TRUE AND phash IS NOT NULL AND {distance("phash", "@phash")} <= @maxDistance";

    /// <summary>1 when a marked image other than <c>@id</c> is near <c>@phash</c>; no row otherwise.</summary>
    public static string AnotherNear(Distance distance) =>
        $"SELECT 1 FROM images WHERE near_duplicates = TRUE AND id <> @id AND phash IS NOT NULL AND {distance("phash", "@phash")} <= @maxDistance LIMIT 1";

    /// <summary>Takes the mark off <c>@ids</c>, which have no near-duplicate left; <paramref name="idIn"/> as for <see cref="Mark"/>.</summary>
    public static string Unmark(string idIn) => $"UPDATE images SET near_duplicates = FALSE WHERE {idIn}";
}
