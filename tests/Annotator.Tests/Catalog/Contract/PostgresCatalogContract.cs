using Annotator.Catalog;
using Annotator.Tests.Contract;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>The catalog contract on PostgreSQL, plus what only its settings have to get right.</summary>
[RequiresPostgres]
public sealed class PostgresCatalogContract : CatalogContract
{
    protected override async Task<CatalogUnderTest> CreateAsync(bool migrated = true) => await PostgresCatalogUnderTest.CreateAsync(migrated);

    private PostgresCatalogUnderTest Database => (PostgresCatalogUnderTest)Under;

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
