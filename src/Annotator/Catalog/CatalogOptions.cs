using System.ComponentModel.DataAnnotations;

namespace Annotator.Catalog;

/// <summary><c>Annotator:Catalog</c>: where image rows, states and captions live.</summary>
public sealed class CatalogOptions
{
    public const string Section = "Annotator:Catalog";

    /// <summary>The engine; the host knows which adapters it has (sqlite, mysql, postgres) and refuses another name.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>How often each node reads the change feed: the most a change waits to reach a page or a function.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ErrorMessage = "Annotator:Catalog:FeedInterval must be between 00:00:00.010 and 00:01:00.")]
    public TimeSpan FeedInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
