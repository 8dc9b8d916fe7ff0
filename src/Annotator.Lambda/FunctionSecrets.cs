using System.Text.Json;
using MySqlConnector;

namespace Annotator.Lambda;

/// <summary>
/// The settings that are secrets, read at start through the extension and kept in memory only: the catalog's
/// connection (RDS's generated secret: username, password, host, port, dbname over the non-secret base in
/// <c>Annotator:Catalog:ConnectionString</c>) and, for CreateAnnotation, the Gemini key.
/// </summary>
public static class FunctionSecrets
{
    public const string DatabaseVariable = "ANNOTATOR_DATABASE_SECRET_ID", GeminiVariable = "ANNOTATOR_GEMINI_SECRET_ID";

    public static async Task<Dictionary<string, string?>> ReadAsync(ExtensionSecrets secrets, string? baseConnectionString, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable(DatabaseVariable) is { Length: > 0 } database)
            settings["Annotator:Catalog:ConnectionString"] = ConnectionString(database, await secrets.GetStringAsync(database, cancellationToken), baseConnectionString);
        if (Environment.GetEnvironmentVariable(GeminiVariable) is { Length: > 0 } gemini)
            settings["GEMINI_API_KEY"] = (await secrets.GetStringAsync(gemini, cancellationToken)).Trim();
        return settings;
    }

    private static string ConnectionString(string secretId, string secret, string? baseConnectionString)
    {
        DatabaseSecret? fields;
        try
        {
            fields = JsonSerializer.Deserialize<DatabaseSecret>(secret);
        }
        catch (JsonException)
        {
            throw new SecretUnavailableException($"{secretId} is not the JSON of a database secret (username, password, host, port, dbname)");
        }
        if (fields is not { Username.Length: > 0, Password.Length: > 0, Host.Length: > 0 })
            throw new SecretUnavailableException($"{secretId} lacks username, password or host");
        return new MySqlConnectionStringBuilder(baseConnectionString ?? "")
        {
            Server = fields.Host,
            Port = fields.Port is > 0 and <= 65535 ? (uint)fields.Port : 3306,
            Database = fields.Dbname is { Length: > 0 } name ? name : "annotator",
            UserID = fields.Username,
            Password = fields.Password,
        }.ConnectionString;
    }

    private sealed record DatabaseSecret(
        [property: System.Text.Json.Serialization.JsonPropertyName("username")] string? Username,
        [property: System.Text.Json.Serialization.JsonPropertyName("password")] string? Password,
        [property: System.Text.Json.Serialization.JsonPropertyName("host")] string? Host,
        [property: System.Text.Json.Serialization.JsonPropertyName("port")] int? Port,
        [property: System.Text.Json.Serialization.JsonPropertyName("dbname")] string? Dbname);
}
