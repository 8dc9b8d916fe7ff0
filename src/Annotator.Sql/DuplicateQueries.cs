using System.Data.Common;
using Annotator.Catalog;
using Annotator.Catalog.Sql;
using Annotator.Images;
using Annotator.Thumbnails;
using Dapper;

namespace Annotator.Sql;

/// <summary>
/// The two duplicate lookups, the same on every SQL catalog: by the original's SHA-256 (exact), and by perceptual hash
/// (<see cref="SimilarSql"/>; an engine gives only its Hamming-distance expression).
/// </summary>
public static class DuplicateQueries
{
    public static async Task<ImageRecord?> FindByContentAsync(DbConnection connection, string sha256, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ImageRow>(new CommandDefinition(
            $"SELECT {ImageRow.Columns} FROM images WHERE content_sha256 = @sha256", new { sha256 }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    /// <summary>The image's near-duplicates, nearest first; none while it has no hash yet.</summary>
    public static async Task<IReadOnlyList<SimilarImage>> FindSimilarAsync(
        DbConnection connection, SimilarSql.Distance distance, ImageId id, int maxDistance, int limit, CancellationToken cancellationToken)
    {
        var phash = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT phash FROM images WHERE id = @id", new { id = id.ToString() }, cancellationToken: cancellationToken));
        if (phash is null) return [];
        var rows = await connection.QueryAsync<ImageRow>(new CommandDefinition(
            SimilarSql.Find(distance), new { id = id.ToString(), phash, maxDistance, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord()).Select(image => new SimilarImage(image, PerceptualHash.Distance(image.PerceptualHash!.Value, phash.Value)))];
    }
}
