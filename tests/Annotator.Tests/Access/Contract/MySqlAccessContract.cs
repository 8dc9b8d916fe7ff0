using Annotator.Tests.Catalog.Contract;

namespace Annotator.Tests.Access.Contract;

/// <summary>The access contract on MariaDB or MySQL: a fresh database per test on the run's server.</summary>
[RequiresService("ANNOTATOR_TEST_MYSQL", "MariaDB or MySQL server")]
public sealed class MySqlAccessContract : AccessContract
{
    protected override async Task<CatalogUnderTest> CreateAsync() => await MySqlCatalogUnderTest.CreateAsync(migrated: true);
}
