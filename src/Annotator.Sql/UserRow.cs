using Annotator.Access;

namespace Annotator.Sql;

/// <summary>
/// One <c>users</c> row (Dapper maps snake_case columns to these names) and its <see cref="User"/>. The role is stored
/// by name and <c>disabled</c> as 0/1, so the row reads the same on every engine.
/// </summary>
internal sealed class UserRow
{
    private static readonly string[] Names = ["id", "user_name", "role", "password_hash", "issuer", "subject", "disabled", "created_at"];

    public static readonly string Columns = string.Join(", ", Names);

    /// <summary>The columns of a join's <c>users</c> side; <c>id</c> comes first, where Dapper splits the row.</summary>
    public static string ColumnsOf(string alias) => string.Join(", ", Names.Select(name => $"{alias}.{name}"));

    public string Id { get; set; } = "";
    public string UserName { get; set; } = "";
    public string Role { get; set; } = "";
    public string? PasswordHash { get; set; }
    public string? Issuer { get; set; }
    public string? Subject { get; set; }
    public long Disabled { get; set; }
    public long CreatedAt { get; set; }

    public User ToUser() => new()
    {
        Id = Id,
        UserName = UserName,
        Role = Roles.TryParse(Role, out var role) ? role : throw new InvalidDataException($"Bad role '{Role}' for user '{Id}'."),
        PasswordHash = PasswordHash,
        Issuer = Issuer,
        Subject = Subject,
        Disabled = Disabled != 0,
        CreatedAt = UnixMs.To(CreatedAt),
    };

    /// <summary>The parameters of an INSERT or UPDATE of <paramref name="user"/>.</summary>
    public static object Values(User user) => new
    {
        id = user.Id,
        userName = user.UserName,
        userKey = User.Key(user.UserName),
        role = user.Role.Name(),
        passwordHash = user.PasswordHash,
        issuer = user.Issuer,
        subject = user.Subject,
        disabled = user.Disabled ? 1 : 0,
        createdAt = UnixMs.From(user.CreatedAt),
    };
}
