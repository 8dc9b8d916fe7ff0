using Annotator.Catalog;
using Annotator.Catalog.MySql;
using Annotator.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Annotator.Tests.Catalog;

/// <summary>The MariaDB / MySQL settings: their start-up checks, the password file, and what the registration provides. No server needed.</summary>
public sealed class MySqlSettingsTests
{
    private const string Secret = "s3cret-pa55";

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddMySqlCatalog(configuration)
            .BuildServiceProvider();
    }

    private static IReadOnlyList<string> Mistakes(Dictionary<string, string?> settings)
    {
        using var services = Services(settings);
        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MySqlCatalogOptions>>().Value);
        Assert.All(e.Failures, failure => Assert.DoesNotContain('\n', failure));
        Assert.All(e.Failures, failure => Assert.DoesNotContain(Secret, failure));
        return [.. e.Failures];
    }

    [Fact]
    public void Without_a_connection_string_the_mistake_says_what_to_set()
    {
        Assert.Equal(["Annotator:Catalog:ConnectionString is required: e.g. Server=db;Database=annotator;User ID=annotator"], Mistakes(new()));
    }

    [Fact]
    public void A_connection_string_without_a_database_or_with_an_unknown_option_is_named_without_its_password()
    {
        Assert.Equal(
            ["Annotator:Catalog:ConnectionString names no Database: create one and add Database=NAME (the catalog makes its tables, not the database)"],
            Mistakes(new() { ["Annotator:Catalog:ConnectionString"] = $"Server=db;User ID=annotator;Password={Secret}" }));

        var mistake = Assert.Single(Mistakes(new() { ["Annotator:Catalog:ConnectionString"] = $"Server=db;Database=a;Pasword={Secret}" }));
        Assert.StartsWith("Annotator:Catalog:ConnectionString is not a MySqlConnector connection string (", mistake);
    }

    [Fact]
    public void A_password_file_that_cannot_be_read_or_is_empty_is_named()
    {
        var empty = Path.GetTempFileName();
        var settings = new Dictionary<string, string?> { ["Annotator:Catalog:ConnectionString"] = "Server=db;Database=a;User ID=u" };

        Assert.StartsWith("Annotator:Catalog:PasswordFile '/nonexistent/db-password' cannot be read: ",
            Assert.Single(Mistakes(new(settings) { ["Annotator:Catalog:PasswordFile"] = "/nonexistent/db-password" })));
        Assert.Equal([$"Annotator:Catalog:PasswordFile '{empty}' is empty"], Mistakes(new(settings) { ["Annotator:Catalog:PasswordFile"] = empty }));
        File.Delete(empty);
    }

    [Fact]
    public void The_password_file_overrides_the_connection_string_and_row_counts_are_rows_matched()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, $"{Secret}\n");

        using var source = MySqlCatalogDataSource.Create(new MySqlCatalogOptions
        {
            ConnectionString = "Server=db;Database=a;User ID=u;Password=old;UseAffectedRows=true", PasswordFile = file,
        });

        var used = new MySqlConnectionStringBuilder(source.ConnectionString);
        Assert.Equal((Secret, false), (used.Password, used.UseAffectedRows));
        File.Delete(file);
    }

    [Fact]
    public void The_registration_provides_every_catalog_port_on_one_database()
    {
        using var services = Services(new() { ["Annotator:Catalog:ConnectionString"] = "Server=db;Database=a;User ID=u" });

        Assert.IsType<MySqlSchema>(services.GetRequiredService<ICatalogSchema>());
        Assert.IsType<MySqlImageCatalog>(services.GetRequiredService<IImageCatalog>());
        Assert.IsType<MySqlOutbox>(services.GetRequiredService<IOutbox>());
        Assert.IsType<MySqlDeliveryQueue>(services.GetRequiredService<IDeliveryQueue>());
        Assert.IsType<MySqlDeadLetters>(services.GetRequiredService<IDeadLetters>());
        Assert.Same(services.GetRequiredService<MySqlDatabase>(), services.GetRequiredService<MySqlDatabase>());
    }
}
