using Dapper;
using MySqlConnector;

namespace Annotator.Catalog.MySql;

/// <summary>
/// Appends changes to the feed inside the writing transaction, with versions from the one-row <c>feed_counter</c>.
/// Updating that row locks it until the transaction ends, so a second writer waits for the first to commit before
/// it takes the next number: versions commit in order, and a rollback gives its numbers back. A writer therefore
/// calls this last, after every other statement, to hold the lock for as short a time as it can.
/// </summary>
internal static class FeedVersions
{
    /// <summary>The change to one image; stamps the image with its version unless it was deleted. Returns the version.</summary>
    public static Task<long> AppendAsync(MySqlConnection connection, MySqlTransaction transaction, string id, long now, bool deleted = false) =>
        // One round trip: LAST_INSERT_ID(expr) remembers the new value for this connection only, and neither statement after it changes it.
        connection.ExecuteScalarAsync<long>($"""
            UPDATE feed_counter SET version = LAST_INSERT_ID(version + 1) WHERE id = 1;
            INSERT INTO image_changes (version, image_id, deleted, changed_at) VALUES (LAST_INSERT_ID(), @id, @deleted, @now);
            {(deleted ? "" : "UPDATE images SET version = LAST_INSERT_ID(), updated_at = @now WHERE id = @id;")}
            SELECT LAST_INSERT_ID();
            """, new { id, deleted, now }, transaction);

    /// <summary>A change to each of <paramref name="ids"/> (none deleted), numbered in their order, each image stamped with its version.</summary>
    public static async Task AppendAsync(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<string> ids, long now)
    {
        if (ids.Count == 0) return;
        var last = await connection.ExecuteScalarAsync<long>("""
            UPDATE feed_counter SET version = LAST_INSERT_ID(version + @count) WHERE id = 1;
            SELECT LAST_INSERT_ID();
            """, new { count = ids.Count }, transaction);
        var first = last - ids.Count + 1;
        await BulkInsert.RunAsync(connection, transaction, "image_changes (version, image_id, deleted, changed_at)",
            ids.Select((id, i) => new object?[] { first + i, id, false, now }).ToList());
        await connection.ExecuteAsync("""
            UPDATE images JOIN image_changes c ON c.image_id = images.id
            SET images.version = c.version, images.updated_at = @now
            WHERE c.version BETWEEN @first AND @last
            """, new { first, last, now }, transaction);
    }
}
