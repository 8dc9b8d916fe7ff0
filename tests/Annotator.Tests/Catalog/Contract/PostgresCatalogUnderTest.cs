using Annotator.Catalog;
using Annotator.Catalog.Postgres;
using Annotator.Events;
using Annotator.Sql;
using Annotator.Tests.Contract;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>
/// The PostgreSQL catalog on a database of its own (<c>annotator_test_…</c>) on the run's server, wired by
/// <see cref="PostgresRegistration.AddPostgresCatalog"/> as a host wires it. Each node has its own services and so its
/// own data source; the node that created the database drops it when disposed.
/// </summary>
public sealed class PostgresCatalogUnderTest : CatalogUnderTest
{
    private readonly ServiceProvider _services;
    private readonly bool _ownsDatabase;

    public string ConnectionString { get; }
    public override IImageCatalog Catalog => _services.GetRequiredService<IImageCatalog>();
    public override IOutbox Outbox => _services.GetRequiredService<IOutbox>();
    public override IDeliveryQueue Deliveries => _services.GetRequiredService<IDeliveryQueue>();
    public override IDeadLetters DeadLetters => _services.GetRequiredService<IDeadLetters>();
    public override ICatalogSchema Schema => _services.GetRequiredService<ICatalogSchema>();
    public override IAccessDatabase Access => _services.GetRequiredService<IAccessDatabase>();

    private PostgresCatalogUnderTest(string connectionString, bool ownsDatabase)
    {
        ConnectionString = connectionString;
        _ownsDatabase = ownsDatabase;
        _services = Services(new() { ["Annotator:Catalog:ConnectionString"] = connectionString });
    }

    /// <summary>The catalog's services as a host registers them, from the given settings.</summary>
    public static ServiceProvider Services(Dictionary<string, string?> settings) => new ServiceCollection()
        .AddLogging()
        .AddSingleton(TimeProvider.System)
        .AddPostgresCatalog(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
        .BuildServiceProvider();

    public static async Task<PostgresCatalogUnderTest> CreateAsync(bool migrated)
    {
        var database = $"annotator_test_{Guid.NewGuid():N}";
        await AdministerAsync($"CREATE DATABASE \"{database}\"");
        var under = new PostgresCatalogUnderTest(new NpgsqlConnectionStringBuilder(Server) { Database = database }.ConnectionString, ownsDatabase: true);
        if (migrated) await under.Schema.MigrateAsync(CancellationToken.None);
        return under;
    }

    public override CatalogUnderTest AnotherNode() => new PostgresCatalogUnderTest(ConnectionString, ownsDatabase: false);

    public override async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_ownsDatabase) await AdministerAsync($"DROP DATABASE \"{new NpgsqlConnectionStringBuilder(ConnectionString).Database}\" WITH (FORCE)");
    }

    private static string Server => TestServices.Postgres
        ?? throw new InvalidOperationException("ANNOTATOR_TEST_POSTGRES is not set and ANNOTATOR_TEST_SERVICES=required: scripts/test starts PostgreSQL and sets it");

    /// <summary>Runs a statement in the server's maintenance database, on a connection of its own (not pooled).</summary>
    private static async Task AdministerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
