using Xunit.Sdk;

namespace Annotator.Testing.Contract;

/// <summary>A <see cref="ContractFactAttribute"/> with data rows: skipped whole when its class's backend is not there.</summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Annotator.Testing.Contract.ContractTheoryDiscoverer", ContractAssembly.Name)]
public sealed class ContractTheoryAttribute : TheoryAttribute;
