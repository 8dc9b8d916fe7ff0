using Npgsql;

namespace Annotator.Catalog.Postgres;

/// <summary>The connection string the catalog opens: the setting's, with the password from the password file when one is named.</summary>
public static class PostgresConnectionString
{
    public static NpgsqlConnectionStringBuilder From(PostgresCatalogOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (options.FilePassword() is { } password) builder.Password = password;
        return builder;
    }
}
