namespace Annotator.Tests.Catalog.Contract;

/// <summary>The catalog contract on MariaDB or MySQL: a fresh database per test on the run's server.</summary>
[RequiresService("ANNOTATOR_TEST_MYSQL", "MariaDB or MySQL server")]
public sealed class MySqlCatalogContract : CatalogContract
{
    protected override async Task<CatalogUnderTest> CreateAsync(bool migrated = true) => await MySqlCatalogUnderTest.CreateAsync(migrated);
}
