using Xunit.Sdk;

namespace Annotator.Testing.Contract;

/// <summary>
/// A test of a port's contract, written once in an abstract class and run by each adapter's subclass. It reports
/// itself skipped, with the reason, when its class's <see cref="BackendAttribute"/> says the backend is not there,
/// so a run shows what was not checked.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Annotator.Testing.Contract.ContractFactDiscoverer", ContractAssembly.Name)]
public sealed class ContractFactAttribute : FactAttribute;
