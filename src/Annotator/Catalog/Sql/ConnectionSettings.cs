namespace Annotator.Catalog.Sql;

/// <summary>
/// How a catalog on a database server (MariaDB / MySQL, PostgreSQL) is reached, in <c>Annotator:Catalog</c>: the
/// driver's connection string, and a password file that overrides its password. Both server engines take the same two
/// settings and read the password file the same way, so that is written once, here; what the connection string must
/// name, and how it is checked, is each driver's own.
/// </summary>
public abstract class ConnectionSettings
{
    /// <summary>The driver's connection string (each engine's options say what it names).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>A file whose trimmed content is the password, overriding any in the connection string (a Docker or Kubernetes secret).</summary>
    public string PasswordFile { get; set; } = "";

    /// <summary>The password <see cref="PasswordFile"/> holds, or null when none is named; throws what reading the file throws.</summary>
    public string? FilePassword() => PasswordFile.Length > 0 ? ReadPassword(PasswordFile) : null;

    /// <summary>A password file's content, trimmed (a secret file usually ends with a line break).</summary>
    public static string ReadPassword(string path) => File.ReadAllText(path).Trim();
}
