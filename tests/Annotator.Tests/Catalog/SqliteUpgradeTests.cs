using Annotator.Catalog;
using Annotator.Catalog.Sqlite;
using Annotator.Images;
using Microsoft.Data.Sqlite;

namespace Annotator.Tests.Catalog;

/// <summary>A data folder made before versioned migrations (its schema is V1's, applied without Evolve) upgrades in place.</summary>
public sealed class SqliteUpgradeTests : IAsyncDisposable
{
    private readonly TempCatalog _temp = new(migrated: false);

    public ValueTask DisposeAsync() => _temp.DisposeAsync();

    [Fact]
    public async Task A_catalog_from_before_migrations_keeps_its_images_and_pending_work()
    {
        var id = ImageId.New();
        using (var old = new SqliteConnection($"Data Source={_temp.Database.FilePath}"))
        {
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = V1() + $"""
                INSERT INTO images (id, file_name, format, width, height, size_bytes, created_at, facts, thumb_state, caption_state,
                                    caption_text, caption_tags, caption_provider, caption_model)
                VALUES ('{id}', 'old.jpg', 'Jpeg', 640, 480, 1000, 1700000000000, '{"{}"}', 'processing', 'done',
                        'A dog from before.', '["dog"]', 'offline', 'm');
                INSERT INTO outbox (object_key, delivered, created_at) VALUES ('raw/{id}.jpg', 2, 1700000000000);
                """;
            command.ExecuteNonQuery();
        }

        var applied = await _temp.Schema.MigrateAsync(CancellationToken.None);

        Assert.Equal(["V1__initial.sql", "V2__leases_feed_deliveries.sql", "V3__access.sql", "V4__review.sql", "V5__annotation_search.sql", "V6__duplicates.sql"], applied.Select(Path.GetFileName));
        var image = (await _temp.Catalog.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(("old.jpg", "A dog from before."), (image.FileName, image.CaptionResult!.Text));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), image.UpdatedAt);
        Assert.Equal([image.Id], (await _temp.Catalog.ListAsync(new ImageQuery(null, 10, "dog", null), CancellationToken.None)).Items.Select(i => i.Id));
        // Work the old process was doing when it stopped has no claim: any node may take it at once.
        var claim = await _temp.Catalog.ClaimAsync(id, Work.Thumbnail, new WorkLease("new", TimeSpan.FromMinutes(1)), CancellationToken.None);
        Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
        Assert.Equal($"raw/{id}.jpg", Assert.Single(await _temp.Outbox.ReadAsync(10, CancellationToken.None)).Event.Key);
    }

    private static string V1()
    {
        var assembly = typeof(SqliteSchema).Assembly;
        using var stream = assembly.GetManifestResourceStream(typeof(SqliteSchema).Namespace + ".Migrations.V1__initial.sql")!;
        return new StreamReader(stream).ReadToEnd();
    }
}
