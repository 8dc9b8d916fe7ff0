using System.ComponentModel.DataAnnotations;

namespace Annotator.Storage;

/// <summary><c>Annotator:Storage</c>: where objects live.</summary>
public sealed class StorageOptions
{
    public const string Section = "Annotator:Storage";

    [Required, AllowedValues("filesystem", ErrorMessage = "Annotator:Storage:Provider must be 'filesystem'.")]
    public string Provider { get; set; } = "filesystem";

    public FileSystemStorageOptions FileSystem { get; set; } = new();
}

public sealed class FileSystemStorageOptions
{
    /// <summary>The folder holding <c>raw/</c> and <c>thumbnails/</c>; defaults to <c>{DataDirectory}/objects</c>.</summary>
    public string Root { get; set; } = "";
}
