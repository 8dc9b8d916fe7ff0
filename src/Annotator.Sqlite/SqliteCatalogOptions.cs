namespace Annotator.Catalog.Sqlite;

/// <summary><c>Annotator:Catalog:Sqlite</c>: the embedded catalog's file.</summary>
public sealed class SqliteCatalogOptions
{
    public const string Section = "Annotator:Catalog:Sqlite";

    /// <summary>The database file; defaults to <c>{DataDirectory}/annotator.db</c>.</summary>
    public string Path { get; set; } = "";
}
