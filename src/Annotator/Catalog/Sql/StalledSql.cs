namespace Annotator.Catalog.Sql;

/// <summary>
/// Which images have work that nobody holds and that has not moved for a while (<see cref="IImageCatalog.FindStalledAsync"/>):
/// a domain rule, in SQL that SQLite, MariaDB/MySQL and PostgreSQL read alike.
/// </summary>
public static class StalledSql
{
    /// <summary>Parameters: <c>@now</c> and <c>@before</c> (unix ms), <c>@limit</c>. Columns: id, format.</summary>
    public const string Find = """
        SELECT id, format FROM images
        WHERE updated_at < @before AND (
            (thumb_state IN ('pending', 'processing') AND (thumb_lease_until IS NULL OR thumb_lease_until <= @now))
            OR (caption_state IN ('pending', 'processing') AND (caption_lease_until IS NULL OR caption_lease_until <= @now)))
        ORDER BY updated_at
        LIMIT @limit
        """;
}
