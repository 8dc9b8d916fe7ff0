using Annotator.Tests.Catalog.Contract;

namespace Annotator.Tests.Access.Contract;

/// <summary>The access contract on the embedded engine.</summary>
public sealed class SqliteAccessContract : AccessContract
{
    protected override Task<CatalogUnderTest> CreateAsync() => Task.FromResult<CatalogUnderTest>(new TempCatalog());
}
