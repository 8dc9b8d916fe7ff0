using Annotator.Access;

namespace Annotator.Server.Api;

/// <summary>An account as the API shows it; never its password hash.</summary>
public sealed record UserDto(string Id, string UserName, string Role, bool Disabled, bool Sso, DateTimeOffset CreatedAt)
{
    public static UserDto From(User user) => new(user.Id, user.UserName, user.Role.Name(), user.Disabled, user.Issuer is not null, user.CreatedAt);
}

/// <summary>The caller: who, with which role, what they may do, and how they came (a browser session or a token).</summary>
public sealed record MeDto(string Id, string UserName, string Role, IReadOnlyList<string> Rights, string Via, bool Sso);
