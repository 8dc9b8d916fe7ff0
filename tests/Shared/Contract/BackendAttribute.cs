namespace Annotator.Testing.Contract;

/// <summary>On a contract test class: whether the backend its tests need is there to test, and if not, why and how to get it.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public abstract class BackendAttribute : Attribute
{
    /// <summary>Null when the tests can run; otherwise the skip message.</summary>
    public abstract string? Missing { get; }
}
