using Dapper;
using MySqlConnector;

namespace Annotator.Catalog.MySql;

/// <summary>Many rows in few round trips: one multi-row INSERT per chunk, every value a parameter.</summary>
internal static class BulkInsert
{
    /// <summary>Rows per statement: small enough for any max_allowed_packet, large enough that round trips do not dominate.</summary>
    private const int Chunk = 500;

    /// <param name="into">The table and its columns, e.g. <c>outbox (object_key, created_at)</c>.</param>
    public static async Task RunAsync(MySqlConnection connection, MySqlTransaction transaction, string into, IReadOnlyList<object?[]> rows)
    {
        foreach (var chunk in rows.Chunk(Chunk))
        {
            var parameters = new DynamicParameters();
            var values = chunk.Select((row, r) => "(" + string.Join(", ", row.Select((value, c) =>
            {
                parameters.Add($"v{r}_{c}", value);
                return $"@v{r}_{c}";
            })) + ")");
            await connection.ExecuteAsync($"INSERT INTO {into} VALUES {string.Join(", ", values)}", parameters, transaction);
        }
    }
}
