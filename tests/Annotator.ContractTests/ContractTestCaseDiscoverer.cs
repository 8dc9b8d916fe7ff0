using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Annotator.ContractTests;

/// <summary>
/// xunit's skip is fixed per method, but a contract method is inherited by every adapter's class: the skip reason
/// is therefore looked up on the class that runs it (its <see cref="BackendAttribute"/>).
/// </summary>
public sealed class ContractTestCaseDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo fact) =>
        [new ContractTestCase(diagnostics, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method)];
}

public sealed class ContractTestCase : XunitTestCase
{
    [Obsolete("For the deserializer only.", error: true)]
    public ContractTestCase() { }

    public ContractTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method)
        : base(diagnostics, display, displayOptions, method) { }

    protected override string? GetSkipReason(IAttributeInfo fact) =>
        base.GetSkipReason(fact) ?? TestMethod.TestClass.Class.ToRuntimeType().GetCustomAttribute<BackendAttribute>(inherit: true)?.Missing;
}
