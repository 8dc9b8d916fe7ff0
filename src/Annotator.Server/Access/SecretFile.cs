namespace Annotator.Server.Access;

/// <summary>
/// A secret setting may be given as a file instead (Docker and Kubernetes secrets, systemd credentials): the setting
/// <c>{name}_FILE</c> names the file, whose content (without its final line break) is the value.
/// </summary>
public static class SecretFile
{
    /// <summary>
    /// Reads <paramref name="setting"/><c>_FILE</c> into <paramref name="value"/> when the value itself is not set;
    /// returns why it could not, in one line, or null.
    /// </summary>
    public static string? Read(IConfiguration configuration, string setting, ref string? value)
    {
        var path = configuration[setting + "_FILE"];
        if (!string.IsNullOrEmpty(value) || string.IsNullOrEmpty(path)) return null;
        try
        {
            value = File.ReadAllText(path).TrimEnd('\r', '\n');
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{setting}_FILE: cannot read '{path}': {e.Message}";
        }
    }
}
