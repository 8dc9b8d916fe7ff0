using Xunit.Sdk;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>
/// A catalog contract test, written once in <see cref="CatalogContract"/> and run by each engine's subclass; it
/// reports itself skipped when that subclass's <see cref="RequiresServiceAttribute"/> says its server is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Annotator.Tests.Catalog.Contract.CatalogFactDiscoverer", "Annotator.Tests")]
public sealed class CatalogFactAttribute : FactAttribute;

/// <summary>A <see cref="CatalogFactAttribute"/> with data rows.</summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Annotator.Tests.Catalog.Contract.CatalogTheoryDiscoverer", "Annotator.Tests")]
public sealed class CatalogTheoryAttribute : TheoryAttribute;
