namespace Annotator.Storage.FileSystem;

/// <summary><c>Annotator:Storage:FileSystem</c>: the folder objects live in.</summary>
public sealed class FileSystemStorageOptions
{
    public const string Section = "Annotator:Storage:FileSystem";

    /// <summary>The folder holding <c>raw/</c> and <c>thumbnails/</c>; defaults to <c>{DataDirectory}/objects</c>.</summary>
    public string Root { get; set; } = "";
}
