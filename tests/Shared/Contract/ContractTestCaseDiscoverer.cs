using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Annotator.Testing.Contract;

/// <summary>
/// xunit's skip is fixed per method, but a contract method is inherited by every adapter's class: the skip reason
/// is therefore looked up on the class that runs it (its <see cref="BackendAttribute"/>).
/// </summary>
public sealed class ContractFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo fact) =>
        [new ContractTestCase(diagnostics, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method)];
}

/// <summary>A theory runs its rows as usual, or, when its class's backend is missing, is one skipped case.</summary>
public sealed class ContractTheoryDiscoverer(IMessageSink diagnostics) : TheoryDiscoverer(diagnostics)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo theory) =>
        ContractTestCase.MissingBackend(method) is null
            ? base.Discover(options, method, theory)
            : [new ContractTestCase(DiagnosticMessageSink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method)];
}

public sealed class ContractTestCase : XunitTestCase
{
    [Obsolete("For the deserializer only.", error: true)]
    public ContractTestCase() { }

    public ContractTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method)
        : base(diagnostics, display, displayOptions, method) { }

    public static string? MissingBackend(ITestMethod method) =>
        method.TestClass.Class.ToRuntimeType().GetCustomAttribute<BackendAttribute>(inherit: true)?.Missing;

    protected override string? GetSkipReason(IAttributeInfo fact) => base.GetSkipReason(fact) ?? MissingBackend(TestMethod);
}
