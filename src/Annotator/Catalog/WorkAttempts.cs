namespace Annotator.Catalog;

/// <summary>
/// How often one piece of work is tried when it never finishes. An attempt that ends (done or failed)
/// is final; one that is still "processing" when it is claimed again died with its process. After
/// <see cref="Max"/> of those the image is a poison image: it keeps killing whoever works on it.
/// </summary>
public static class WorkAttempts
{
    public const int Max = 3;

    /// <summary>The reason a poison image's work is failed with.</summary>
    public static readonly string Exhausted =
        $"processing was interrupted {Max} times (the process stopped while working on this image); retry to try again";
}
