using Annotator.Catalog.Sql;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Annotator.Catalog.Postgres;

/// <summary>Start-up checks of the PostgreSQL catalog's settings: one sentence per mistake, naming the setting, never the password.</summary>
public sealed class PostgresCatalogOptionsValidation : IValidateOptions<PostgresCatalogOptions>
{
    private const string Section = PostgresCatalogOptions.Section;

    public ValidateOptionsResult Validate(string? name, PostgresCatalogOptions options)
    {
        var mistakes = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            mistakes.Add($"{Section}:ConnectionString is required for the postgres catalog: an Npgsql connection string such as Host=db;Database=annotator;Username=annotator");
        else if (ConnectionStringProblem(options.ConnectionString) is { } problem)
            mistakes.Add($"{Section}:ConnectionString is not a usable Npgsql connection string: {problem}");
        if (options.PasswordFile.Length > 0 && PasswordFileProblem(options.PasswordFile) is { } fileProblem)
            mistakes.Add($"{Section}:PasswordFile '{options.PasswordFile}' {fileProblem}");
        return mistakes.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(mistakes);
    }

    /// <summary>The parser's messages name a keyword ("Couldn't set port") or a position, never a value: safe to show.</summary>
    private static string? ConnectionStringProblem(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? "it names no Host" : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return OneLine(e.Message);
        }
    }

    private static string? PasswordFileProblem(string path)
    {
        try
        {
            return ConnectionSettings.ReadPassword(path).Length == 0 ? "is empty: it must hold the database password" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"cannot be read: {OneLine(e.Message)}";
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
