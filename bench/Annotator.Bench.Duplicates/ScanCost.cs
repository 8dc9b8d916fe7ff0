using System.Diagnostics;
using Annotator.Catalog;
using Annotator.Catalog.Sqlite;
using Annotator.Images;
using Annotator.Thumbnails;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Bench.Duplicates;

/// <summary>
/// What the near-duplicate queries cost on the embedded catalog with <c>rows</c> hashed images: a migrated SQLite file
/// filled with random hashes (1 in 100 a near copy of another), then the image page's similar list, the gallery's
/// filter and its count, each timed as the median of nine runs.
/// </summary>
public static class ScanCost
{
    public static async Task RunAsync(int rows)
    {
        var folder = Directory.CreateTempSubdirectory("annotator-scan-").FullName;
        try
        {
            var database = new SqliteDatabase(Options.Create(new SqliteCatalogOptions { Path = Path.Combine(folder, "annotator.db") }));
            await new SqliteSchema(database, NullLogger<SqliteSchema>.Instance).MigrateAsync(CancellationToken.None);
            var catalog = new SqliteImageCatalog(database, TimeProvider.System);
            var random = new Random(12);
            var ids = new List<ImageId>();
            using (var connection = database.Open())
            using (var transaction = connection.BeginTransaction())
            {
                long previous = 0;
                for (var i = 0; i < rows; i++)
                {
                    var id = ImageId.New();
                    ids.Add(id);
                    var near = i % 100 == 99;
                    var phash = near ? previous ^ 0b101 : random.NextInt64(long.MinValue, long.MaxValue);
                    previous = phash;
                    connection.Execute("""
                        INSERT INTO images (id, file_name, format, width, height, size_bytes, created_at, updated_at, facts, thumb_state, caption_state, phash, near_duplicates)
                        VALUES (@id, 'photo.jpg', 'Jpeg', 4000, 3000, 3000000, 0, 0, '{}', 'done', 'done', @phash, @near)
                        """, new { id = id.ToString(), phash, near }, transaction);
                }
                transaction.Commit();
            }
            var filter = new ImageQuery(null, 48, null, null, Similar: true);
            Console.WriteLine($"SQLite, {rows:N0} hashed images ({rows / 100:N0} near pairs):");
            Console.WriteLine($"  similar photos of one image: {await MedianAsync(() => catalog.FindSimilarAsync(ids[rows / 2], PerceptualHash.SimilarDistance, 24, CancellationToken.None)):0.00} ms");
            Console.WriteLine($"  gallery page, has near-duplicates: {await MedianAsync(() => catalog.ListAsync(filter, CancellationToken.None)):0.00} ms");
            Console.WriteLine($"  count, has near-duplicates: {await MedianAsync(() => catalog.CountAsync(filter, CancellationToken.None)):0.00} ms");
            Console.WriteLine($"  count, every image: {await MedianAsync(() => catalog.CountAsync(filter with { Similar = false }, CancellationToken.None)):0.00} ms");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<double> MedianAsync<T>(Func<Task<T>> query)
    {
        var times = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var clock = Stopwatch.StartNew();
            await query();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times.Order().ElementAt(4);
    }
}
