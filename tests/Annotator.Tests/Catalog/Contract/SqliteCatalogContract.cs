namespace Annotator.Tests.Catalog.Contract;

/// <summary>The catalog contract on the embedded engine.</summary>
public sealed class SqliteCatalogContract : CatalogContract
{
    protected override Task<CatalogUnderTest> CreateAsync(bool migrated = true) => Task.FromResult<CatalogUnderTest>(new TempCatalog(migrated));
}
