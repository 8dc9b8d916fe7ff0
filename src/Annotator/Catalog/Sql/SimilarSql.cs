using Annotator.Thumbnails;

namespace Annotator.Catalog.Sql;

/// <summary>
/// Near-duplicates by perceptual hash on every SQL catalog. The distance of two hashes is each engine's own popcount of
/// their XOR (<see cref="Distance"/>: MariaDB/MySQL <c>BIT_COUNT(a ^ b)</c>, PostgreSQL <c>bit_count((a # b)::bit(64))</c>,
/// SQLite a function the adapter registers); the rest is written once, here. Comparing one 64-bit hash with every row is a
/// table scan of integers, a few milliseconds per 100,000 images, done once per thumbnail and once per image page.
/// <c>near_duplicates</c> marks the rows that had a near one when either was hashed, so the gallery filter checks only
/// those; a mark outlives a deleted neighbour, so the filter also checks that one is still there.
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

    /// <summary>The gallery's "has near-duplicates" condition on an image row: marked, and a near one still there.</summary>
    public static string HasNear(Distance distance) => $"""
        (near_duplicates = TRUE AND EXISTS (SELECT 1 FROM images other WHERE other.phash IS NOT NULL AND other.id <> images.id
            AND {distance("other.phash", "images.phash")} <= {PerceptualHash.SimilarDistance}))
        """;
}
