namespace Annotator.Tests.Captioning;

/// <summary>
/// A test against a real provider: it runs when one of <paramref name="anyOf"/> is set in the environment, and
/// otherwise reports itself skipped with the reason, so a run shows what was not checked.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute
{
    public ContractFactAttribute(string service, params string[] anyOf)
    {
        if (!anyOf.Any(v => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v))))
            Skip = $"no real {service} to call: set {string.Join(" or ", anyOf)} to run this contract test";
    }
}
