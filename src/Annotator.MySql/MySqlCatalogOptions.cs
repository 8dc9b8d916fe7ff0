using Annotator.Catalog.Sql;

namespace Annotator.Catalog.MySql;

/// <summary>
/// <c>Annotator:Catalog</c> as the MariaDB / MySQL catalog reads it: where the database is. The
/// <see cref="ConnectionSettings.ConnectionString"/> is a MySqlConnector one naming Server, Database and User ID (and a
/// Password unless <see cref="ConnectionSettings.PasswordFile"/> gives it). The core's <see cref="CatalogOptions"/> binds
/// the same section for what every engine shares (Provider, FeedInterval).
/// </summary>
public sealed class MySqlCatalogOptions : ConnectionSettings
{
    public const string Section = CatalogOptions.Section;
}
