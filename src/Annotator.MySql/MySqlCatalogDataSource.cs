using MySqlConnector;

namespace Annotator.Catalog.MySql;

/// <summary>The catalog's connection pool, made from the settings: the password from its file, and the driver options the adapter's SQL relies on.</summary>
public static class MySqlCatalogDataSource
{
    public static MySqlDataSource Create(MySqlCatalogOptions options)
    {
        var builder = new MySqlConnectionStringBuilder(options.ConnectionString)
        {
            // An UPDATE reports the rows it matched, not only those it changed: a renewal within the same
            // millisecond changes nothing but still holds the claim. The claim and finish logic counts on that.
            UseAffectedRows = false,
        };
        if (options.FilePassword() is { } password) builder.Password = password;
        return new MySqlDataSource(builder.ConnectionString);
    }
}
