namespace Annotator.Catalog.Postgres;

/// <summary>
/// <c>Annotator:Catalog</c> as the PostgreSQL catalog reads it: how to reach the database. The core's
/// <see cref="CatalogOptions"/> binds the same section for the provider and the feed interval.
/// </summary>
public sealed class PostgresCatalogOptions
{
    public const string Section = CatalogOptions.Section;

    /// <summary>An Npgsql connection string: <c>Host=…;Database=…;Username=…</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>A file whose trimmed content is the password (a Docker or Kubernetes secret); overrides one in the string.</summary>
    public string PasswordFile { get; set; } = "";
}
