using Annotator.Tests.Catalog.Contract;

namespace Annotator.Tests.Access.Contract;

/// <summary>The access contract on PostgreSQL: a fresh database per test on the run's server.</summary>
[RequiresService("ANNOTATOR_TEST_POSTGRES", "PostgreSQL server (a role that may create databases)")]
public sealed class PostgresAccessContract : AccessContract
{
    protected override async Task<CatalogUnderTest> CreateAsync() => await PostgresCatalogUnderTest.CreateAsync(migrated: true);
}
