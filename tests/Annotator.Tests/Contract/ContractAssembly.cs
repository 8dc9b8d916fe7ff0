namespace Annotator.Testing.Contract;

/// <summary>
/// Where xunit loads the contract discoverers from: this test assembly, which compiles tests/Shared/Contract in (as
/// every test project with contract tests does), so each names itself here.
/// </summary>
internal static class ContractAssembly
{
    public const string Name = "Annotator.Tests";
}
