using Xunit.Sdk;

namespace Annotator.Tests.Contract;

/// <summary>A <see cref="ContractFactAttribute"/> with data rows: skipped whole when its class's backend is not there.</summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Annotator.Tests.Contract.ContractTheoryDiscoverer", "Annotator.Tests")]
public sealed class ContractTheoryAttribute : TheoryAttribute;
