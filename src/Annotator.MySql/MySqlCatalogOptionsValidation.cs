using Annotator.Catalog.Sql;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Annotator.Catalog.MySql;

/// <summary>Start-up checks of the MariaDB / MySQL settings: one sentence per mistake, naming the setting, never the password.</summary>
public sealed class MySqlCatalogOptionsValidation : IValidateOptions<MySqlCatalogOptions>
{
    private const string Section = MySqlCatalogOptions.Section;

    public ValidateOptionsResult Validate(string? name, MySqlCatalogOptions options)
    {
        var mistakes = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            mistakes.Add($"{Section}:ConnectionString is required: e.g. Server=db;Database=annotator;User ID=annotator");
        else if (Parse(options.ConnectionString, out var error) is not { } builder)
            mistakes.Add($"{Section}:ConnectionString is not a MySqlConnector connection string ({error})");
        else
        {
            if (string.IsNullOrWhiteSpace(builder.Server))
                mistakes.Add($"{Section}:ConnectionString names no Server");
            if (string.IsNullOrWhiteSpace(builder.Database))
                mistakes.Add($"{Section}:ConnectionString names no Database: create one and add Database=NAME (the catalog makes its tables, not the database)");
            if (string.IsNullOrWhiteSpace(builder.UserID))
                mistakes.Add($"{Section}:ConnectionString names no User ID");
        }
        if (options.PasswordFile.Length > 0 && PasswordFileProblem(options.PasswordFile) is { } problem)
            mistakes.Add($"{Section}:PasswordFile '{options.PasswordFile}' {problem}");
        return mistakes.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(mistakes);
    }

    private static MySqlConnectionStringBuilder? Parse(string connectionString, out string? error)
    {
        try
        {
            error = null;
            return new MySqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // MySqlConnector names the option it refused, not the values: the password stays out of the message.
            error = e.Message.TrimEnd('.');
            return null;
        }
    }

    private static string? PasswordFileProblem(string path)
    {
        try
        {
            return ConnectionSettings.ReadPassword(path).Length == 0 ? "is empty" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read: {e.Message}";
        }
    }
}
