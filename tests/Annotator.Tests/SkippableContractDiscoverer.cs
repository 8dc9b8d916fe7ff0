using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Annotator.Tests;

/// <summary>
/// xunit 2's skip is fixed per method, but a contract method is inherited by every adapter's class: the skip reason
/// is therefore looked up on the class that runs it (its <see cref="SkippableContractBackendAttribute"/>).
/// </summary>
public sealed class SkippableContractDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo fact) =>
        [new SkippableContractTestCase(diagnostics, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method)];
}

public sealed class SkippableContractTestCase : XunitTestCase
{
    [Obsolete("For the deserializer only.", error: true)]
    public SkippableContractTestCase() { }

    public SkippableContractTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method)
        : base(diagnostics, display, displayOptions, method) { }

    protected override string? GetSkipReason(IAttributeInfo fact) =>
        base.GetSkipReason(fact) ?? TestMethod.TestClass.Class.ToRuntimeType().GetCustomAttribute<SkippableContractBackendAttribute>(inherit: true)?.Missing;
}
