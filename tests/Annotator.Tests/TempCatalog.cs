using Annotator.Catalog;
using Annotator.Catalog.Sqlite;
using Annotator.Tests.Catalog.Contract;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests;

/// <summary>A real SQLite catalog in a throw-away folder, for tests of the catalog and what sits on it.</summary>
public sealed class TempCatalog : CatalogUnderTest
{
    private readonly bool _ownsFolder;

    public string Folder { get; }
    public SqliteDatabase Database { get; }
    public override SqliteImageCatalog Catalog { get; }
    public override SqliteOutbox Outbox { get; }
    public override SqliteDeliveryQueue Deliveries { get; }
    public override SqliteDeadLetters DeadLetters { get; }
    public override SqliteSchema Schema { get; }
    public override SqliteAccessDatabase Access { get; }

    public TempCatalog(bool migrated = true) : this(Directory.CreateTempSubdirectory("annotator-test-").FullName, ownsFolder: true, migrated) { }

    private TempCatalog(string folder, bool ownsFolder, bool migrated)
    {
        Folder = folder;
        _ownsFolder = ownsFolder;
        Database = new SqliteDatabase(Options.Create(new SqliteCatalogOptions { Path = Path.Combine(Folder, "annotator.db") }));
        Catalog = new SqliteImageCatalog(Database, TimeProvider.System);
        Outbox = new SqliteOutbox(Database);
        Deliveries = new SqliteDeliveryQueue(Database, TimeProvider.System);
        DeadLetters = new SqliteDeadLetters(Database, TimeProvider.System);
        Schema = new SqliteSchema(Database, NullLogger<SqliteSchema>.Instance);
        Access = new SqliteAccessDatabase(Database);
        if (migrated) Schema.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public override CatalogUnderTest AnotherNode() => new TempCatalog(Folder, ownsFolder: false, migrated: false);

    public override ValueTask DisposeAsync()
    {
        if (_ownsFolder)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Folder, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
