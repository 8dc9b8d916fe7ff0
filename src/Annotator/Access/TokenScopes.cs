namespace Annotator.Access;

/// <summary>
/// What an API token may do, chosen when it is made. A token never does more than its owner's role allows:
/// the effective rights are the scopes intersected with the role.
/// </summary>
[Flags]
public enum TokenScopes
{
    None = 0,
    /// <summary>Browse, search, download: what a viewer may do.</summary>
    Read = 1,
    /// <summary>Upload new images.</summary>
    Upload = 2,
    /// <summary>Edit captions and tags, re-caption, retry, delete.</summary>
    Write = 4,
    /// <summary>Users, everyone's tokens, the audit log.</summary>
    Admin = 8,
}

public static class Scopes
{
    private static readonly (TokenScopes Scope, string Name)[] All =
        [(TokenScopes.Read, "read"), (TokenScopes.Upload, "upload"), (TokenScopes.Write, "write"), (TokenScopes.Admin, "admin")];

    public const string Names = "read, upload, write, admin";

    public static IReadOnlyList<string> ToNames(this TokenScopes scopes) => [.. All.Where(s => scopes.HasFlag(s.Scope)).Select(s => s.Name)];

    /// <summary>Parses scope names; the first one that is not a scope is returned in <paramref name="unknown"/>.</summary>
    public static bool TryParse(IEnumerable<string> names, out TokenScopes scopes, out string? unknown)
    {
        scopes = TokenScopes.None;
        unknown = null;
        foreach (var name in names)
        {
            var match = All.FirstOrDefault(s => string.Equals(s.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match.Scope == TokenScopes.None) { unknown = name; return false; }
            scopes |= match.Scope;
        }
        return true;
    }

    /// <summary>The scopes a role can use at most: a token of a viewer that asks for write still cannot write.</summary>
    public static TokenScopes Allowed(this Role role) => role switch
    {
        Role.Viewer => TokenScopes.Read,
        Role.Editor => TokenScopes.Read | TokenScopes.Upload | TokenScopes.Write,
        _ => TokenScopes.Read | TokenScopes.Upload | TokenScopes.Write | TokenScopes.Admin,
    };
}
