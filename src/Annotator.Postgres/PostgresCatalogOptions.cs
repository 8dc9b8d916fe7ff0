using Annotator.Catalog.Sql;

namespace Annotator.Catalog.Postgres;

/// <summary>
/// <c>Annotator:Catalog</c> as the PostgreSQL catalog reads it: how to reach the database. The
/// <see cref="ConnectionSettings.ConnectionString"/> is an Npgsql one: <c>Host=…;Database=…;Username=…</c>. The core's
/// <see cref="CatalogOptions"/> binds the same section for the provider and the feed interval.
/// </summary>
public sealed class PostgresCatalogOptions : ConnectionSettings
{
    public const string Section = CatalogOptions.Section;
}
