namespace Annotator.Storage;

/// <summary><c>Annotator:Storage</c>: where objects live.</summary>
public sealed class StorageOptions
{
    public const string Section = "Annotator:Storage";

    /// <summary>The store; the host knows which adapters it has (filesystem, s3) and refuses another name.</summary>
    public string Provider { get; set; } = "filesystem";
}
