using Xunit.Sdk;

namespace Annotator.Tests;

/// <summary>
/// A test of a port's contract, written once in an abstract class and run by each adapter's subclass (or a test of
/// one adapter's backend). It reports itself skipped, with the reason, when its class's
/// <see cref="SkippableContractBackendAttribute"/> says the backend is not there, so a run shows what was not checked.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Annotator.Tests.SkippableContractDiscoverer", "Annotator.Tests")]
public sealed class SkippableContractFactAttribute : FactAttribute;
