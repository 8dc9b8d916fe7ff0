namespace Annotator.Access;

/// <summary>
/// What a person may do, each role including the one before it: a viewer browses, searches and downloads; an editor
/// also uploads, edits captions and tags, re-captions, retries and deletes; an admin also manages users, everyone's
/// tokens and reads the audit log.
/// </summary>
public enum Role
{
    Viewer = 0,
    Editor = 1,
    Admin = 2,
}

public static class Roles
{
    /// <summary>The role's name in the API, settings and claims: <c>viewer</c>, <c>editor</c>, <c>admin</c>.</summary>
    public static string Name(this Role role) => role switch
    {
        Role.Viewer => "viewer",
        Role.Editor => "editor",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static bool TryParse(string? name, out Role role)
    {
        foreach (var candidate in Enum.GetValues<Role>())
            if (string.Equals(candidate.Name(), name?.Trim(), StringComparison.OrdinalIgnoreCase)) { role = candidate; return true; }
        role = default;
        return false;
    }

    public const string Names = "viewer, editor, admin";
}
