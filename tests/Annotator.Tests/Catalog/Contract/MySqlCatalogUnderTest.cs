using Annotator.Tests.Contract;

using Annotator.Catalog.MySql;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>
/// A database of its own on the run's MariaDB or MySQL server (<see cref="TestServices.MySql"/>), created for one
/// test and dropped after it. Each instance has its own connection pool, as a node would.
/// </summary>
public sealed class MySqlCatalogUnderTest : CatalogUnderTest
{
    private readonly string _server;
    private readonly string _databaseName;
    private readonly bool _ownsDatabase;
    private readonly MySqlDataSource _dataSource;

    public override MySqlImageCatalog Catalog { get; }
    public override MySqlOutbox Outbox { get; }
    public override MySqlDeliveryQueue Deliveries { get; }
    public override MySqlDeadLetters DeadLetters { get; }
    public override MySqlSchema Schema { get; }
    public override MySqlAccessDatabase Access { get; }

    public static async Task<MySqlCatalogUnderTest> CreateAsync(bool migrated)
    {
        var server = TestServices.MySql ?? throw new InvalidOperationException(
            "ANNOTATOR_TEST_MYSQL is not set but ANNOTATOR_TEST_SERVICES=required: run the tests through scripts/test, which starts MariaDB and sets it");
        var name = $"annotator_test_{Guid.NewGuid():N}";
        await using (var admin = new MySqlConnection(server))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"CREATE DATABASE `{name}`");
        }
        var under = new MySqlCatalogUnderTest(server, name, ownsDatabase: true);
        if (migrated) await under.Schema.MigrateAsync(CancellationToken.None);
        return under;
    }

    private MySqlCatalogUnderTest(string server, string databaseName, bool ownsDatabase)
    {
        _server = server;
        _ownsDatabase = ownsDatabase;
        _databaseName = databaseName;
        _dataSource = MySqlCatalogDataSource.Create(new MySqlCatalogOptions
        {
            ConnectionString = new MySqlConnectionStringBuilder(server) { Database = databaseName }.ConnectionString,
        });
        var database = new MySqlDatabase(_dataSource);
        Catalog = new MySqlImageCatalog(database, TimeProvider.System);
        Outbox = new MySqlOutbox(database);
        Deliveries = new MySqlDeliveryQueue(database, TimeProvider.System);
        DeadLetters = new MySqlDeadLetters(database, TimeProvider.System);
        Schema = new MySqlSchema(database, NullLogger<MySqlSchema>.Instance);
        Access = new MySqlAccessDatabase(database);
    }

    public override CatalogUnderTest AnotherNode() => new MySqlCatalogUnderTest(_server, _databaseName, ownsDatabase: false);

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        if (!_ownsDatabase) return;
        await using var admin = new MySqlConnection(_server);
        await admin.OpenAsync();
        await admin.ExecuteAsync($"DROP DATABASE IF EXISTS `{_databaseName}`");
    }
}
