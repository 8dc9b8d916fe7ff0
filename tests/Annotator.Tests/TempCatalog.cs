using Annotator.Catalog;
using Annotator.Catalog.Sqlite;
using Annotator.Events;
using Microsoft.Extensions.Options;

namespace Annotator.Tests;

/// <summary>A real SQLite catalog in a throw-away folder, for tests of the catalog and what sits on it.</summary>
public sealed class TempCatalog : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("annotator-test-").FullName;
    public ImageChanges Changes { get; } = new();
    public OutboxSignal Signal { get; } = new();
    public SqliteDatabase Database { get; }
    public SqliteImageCatalog Catalog { get; }
    public SqliteOutbox Outbox { get; }

    public TempCatalog()
    {
        Database = new SqliteDatabase(Options.Create(new CatalogOptions { Sqlite = { Path = Path.Combine(Folder, "annotator.db") } }));
        Catalog = new SqliteImageCatalog(Database, Changes, Signal, TimeProvider.System);
        Outbox = new SqliteOutbox(Database);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
