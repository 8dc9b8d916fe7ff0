namespace Annotator.Catalog.MySql;

/// <summary>
/// <c>Annotator:Catalog</c> as the MariaDB / MySQL catalog reads it: where the database is. The core's
/// <see cref="CatalogOptions"/> binds the same section for what every engine shares (Provider, FeedInterval).
/// </summary>
public sealed class MySqlCatalogOptions
{
    public const string Section = CatalogOptions.Section;

    /// <summary>A MySqlConnector connection string naming Server, Database and User ID (and a Password unless <see cref="PasswordFile"/> gives it).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>A file whose trimmed content is the password, overriding any in the connection string (a Docker or Kubernetes secret).</summary>
    public string PasswordFile { get; set; } = "";
}
