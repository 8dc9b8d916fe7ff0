namespace Annotator;

/// <summary>A backend the service cannot work without; readiness asks each one.</summary>
public interface IReachable
{
    /// <summary>Throws when the backend cannot be reached or used.</summary>
    Task CheckAsync(CancellationToken cancellationToken);
}
