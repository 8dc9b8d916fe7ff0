using Annotator.Catalog.Postgres;

namespace Annotator.Tests.Catalog;

/// <summary>The PostgreSQL catalog's start-up checks: one line per mistake, naming the setting, never the password.</summary>
public sealed class PostgresCatalogOptionsTests
{
    private static string? Check(string connectionString, string passwordFile = "")
    {
        var result = new PostgresCatalogOptionsValidation().Validate(null, new PostgresCatalogOptions { ConnectionString = connectionString, PasswordFile = passwordFile });
        Assert.All(result.Failures ?? [], failure => Assert.DoesNotContain('\n', failure));
        Assert.All(result.Failures ?? [], failure => Assert.DoesNotContain("s3cret", failure));
        return result.Succeeded ? null : string.Join(" | ", result.Failures!);
    }

    [Fact]
    public void A_complete_connection_string_passes()
    {
        Assert.Null(Check("Host=db;Database=annotator;Username=annotator;Password=s3cret"));
    }

    [Fact]
    public void A_missing_connection_string_names_the_setting_and_its_form()
    {
        Assert.StartsWith("Annotator:Catalog:ConnectionString is required for the postgres catalog: an Npgsql connection string such as Host=", Check(" "));
    }

    [Theory]
    [InlineData("Host=db;Pasword=s3cret", "Pasword")]
    [InlineData("Host=db;Port=five;Password=s3cret", "Port")]
    [InlineData("Host=db;Password='s3cret", "index")]
    [InlineData("Database=annotator;Password=s3cret", "names no Host")]
    public void An_unusable_connection_string_says_why_without_the_password(string connectionString, string why)
    {
        var problem = Check(connectionString);

        Assert.StartsWith("Annotator:Catalog:ConnectionString is not a usable Npgsql connection string: ", problem);
        Assert.Contains(why, problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_unreadable_or_empty_password_file_is_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"annotator-{Guid.NewGuid():N}", "password");
        Assert.StartsWith($"Annotator:Catalog:PasswordFile '{missing}' cannot be read: ", Check("Host=db", missing));

        var empty = Path.GetTempFileName();
        try
        {
            File.WriteAllText(empty, " \n");
            Assert.Equal($"Annotator:Catalog:PasswordFile '{empty}' is empty: it must hold the database password", Check("Host=db", empty));
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public void The_password_file_overrides_the_password_in_the_string_trimmed()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from-the-file\n");
            var builder = PostgresConnectionString.From(new PostgresCatalogOptions { ConnectionString = "Host=db;Password=s3cret", PasswordFile = file });
            Assert.Equal("from-the-file", builder.Password);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
