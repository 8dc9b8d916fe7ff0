using Annotator.Tests.Contract;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>
/// On a contract class: its engine is a server named by an environment variable. Without one its tests report
/// themselves skipped with how to get it, unless services are required (<see cref="TestServices.Required"/>): then
/// they run and fail.
/// </summary>
public sealed class RequiresServiceAttribute(string variable, string what) : BackendAttribute
{
    public override string? Missing => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } || TestServices.Required
        ? null
        : $"no {what} to test against: set {variable} (scripts/test starts one and sets it)";
}
