using System.ComponentModel.DataAnnotations;

namespace Annotator.Catalog;

/// <summary><c>Annotator:Catalog</c>: where image rows, states and captions live.</summary>
public sealed class CatalogOptions
{
    public const string Section = "Annotator:Catalog";

    [Required, AllowedValues("sqlite", ErrorMessage = "Annotator:Catalog:Provider must be 'sqlite'.")]
    public string Provider { get; set; } = "sqlite";

    public SqliteCatalogOptions Sqlite { get; set; } = new();
}

public sealed class SqliteCatalogOptions
{
    /// <summary>The database file; defaults to <c>{DataDirectory}/annotator.db</c>.</summary>
    public string Path { get; set; } = "";
}
