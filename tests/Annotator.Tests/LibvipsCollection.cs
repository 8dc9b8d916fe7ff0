namespace Annotator.Tests;

/// <summary>Test classes that use libvips run one after another (its error messages live in one process-wide buffer).</summary>
[CollectionDefinition(Name)]
public sealed class LibvipsCollection
{
    public const string Name = "libvips";
}
