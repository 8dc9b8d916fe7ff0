using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>
/// xunit fixes a skip per method, but a contract method is inherited by every engine's class: the skip reason is
/// therefore asked of the class that runs it, through its <see cref="RequiresServiceAttribute"/>.
/// </summary>
internal static class EngineSkip
{
    public static string? Of(ITestMethod method) =>
        method.TestClass.Class.ToRuntimeType().GetCustomAttribute<RequiresServiceAttribute>()?.Missing;
}

public sealed class CatalogFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo fact) =>
        [new CatalogTestCase(diagnostics, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method)];
}

public sealed class CatalogTheoryDiscoverer(IMessageSink diagnostics) : TheoryDiscoverer(diagnostics)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(
        ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo theory, object[] dataRow) =>
        [new CatalogTestCase(DiagnosticMessageSink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method, dataRow)];

    protected override IEnumerable<IXunitTestCase> CreateTestCasesForTheory(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo theory) =>
        [new CatalogTheoryTestCase(DiagnosticMessageSink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method)];
}

public sealed class CatalogTestCase : XunitTestCase
{
    [Obsolete("For the deserializer only.", error: true)]
    public CatalogTestCase() { }

    public CatalogTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method, object[]? arguments = null)
        : base(diagnostics, display, displayOptions, method, arguments) { }

    protected override string? GetSkipReason(IAttributeInfo fact) => base.GetSkipReason(fact) ?? EngineSkip.Of(TestMethod);
}

/// <summary>A theory whose rows are only known when it runs.</summary>
public sealed class CatalogTheoryTestCase : XunitTheoryTestCase
{
    [Obsolete("For the deserializer only.", error: true)]
    public CatalogTheoryTestCase() { }

    public CatalogTheoryTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method)
        : base(diagnostics, display, displayOptions, method) { }

    protected override string? GetSkipReason(IAttributeInfo fact) => base.GetSkipReason(fact) ?? EngineSkip.Of(TestMethod);
}
