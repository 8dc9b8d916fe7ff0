using Annotator.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>The catalog contract on PostgreSQL, plus what only its settings have to get right.</summary>
[RequiresService("ANNOTATOR_TEST_POSTGRES", "PostgreSQL server (a role that may create databases)")]
public sealed class PostgresCatalogContract : CatalogContract
{
    protected override async Task<CatalogUnderTest> CreateAsync(bool migrated = true) => await PostgresCatalogUnderTest.CreateAsync(migrated);

    private PostgresCatalogUnderTest Database => (PostgresCatalogUnderTest)Under;

    [ContractFact]
    public async Task A_search_path_in_the_connection_string_puts_the_catalog_in_that_schema()
    {
        var inSchema = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { SearchPath = "annotator" }.ConnectionString;
        await using var services = PostgresCatalogUnderTest.Services(new() { ["Annotator:Catalog:ConnectionString"] = inSchema });

        Assert.NotEmpty(await services.GetRequiredService<ICatalogSchema>().MigrateAsync(CancellationToken.None));

        await services.GetRequiredService<IImageCatalog>().CheckAsync(CancellationToken.None);
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var tables = new NpgsqlCommand(
            "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'annotator'", connection);
        Assert.Equal(
            "api_tokens,audit_log,data_protection_keys,dead_letters,deliveries,feed_counter,image_changes,images,outbox,"
            + "recaption_job_images,recaption_jobs,schema_migrations,sessions,setup_codes,users",
            await tables.ExecuteScalarAsync());
    }

    [ContractFact]
    public async Task The_password_file_overrides_the_password_in_the_connection_string()
    {
        var real = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, real.Password + "\n");
            await using var services = PostgresCatalogUnderTest.Services(new()
            {
                ["Annotator:Catalog:ConnectionString"] = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Password = "wrong" }.ConnectionString,
                ["Annotator:Catalog:PasswordFile"] = file,
            });

            await services.GetRequiredService<IImageCatalog>().CheckAsync(CancellationToken.None);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
