using Annotator.Access;
using Annotator.Server.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Annotator.Server.Api;

/// <summary>Accounts, for admins: list, add, change role or password, disable, end sessions, delete.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Access").RequireAuthorization(Rights.Admin);
        users.MapGet("/", ListAsync).WithSummary("Every account, by user name");
        users.MapPost("/", AddAsync).WithSummary("Add an account: { userName, password?, role } (no password: single sign-on only)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPatch("/{id}", ChangeAsync).WithSummary("Change an account's role, password or disabled state: { role?, password?, disabled? }")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapDelete("/{id}", DeleteAsync).WithSummary("Delete an account with its sessions and tokens (its images stay)");
        users.MapDelete("/{id}/sessions", EndSessionsAsync).WithSummary("Sign an account out everywhere: { ended }");
        return app;
    }

    public sealed record AddBody(string? UserName, string? Password, string? Role);

    public sealed record ChangeBody(string? Role, string? Password, bool? Disabled);

    public sealed record EndedDto(int Ended);

    private static async Task<Ok<UserDto[]>> ListAsync(IUserStore users, CancellationToken cancellationToken) =>
        TypedResults.Ok((await users.ListAsync(cancellationToken)).Select(UserDto.From).ToArray());

    private static async Task<Results<Created<UserDto>, ProblemHttpResult>> AddAsync(AddBody body, HttpContext context, IUserStore users, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Credentials.CheckUserName(body.UserName) is { } badName) return Problems.BadRequest(badName);
        if (!Roles.TryParse(body.Role ?? "viewer", out var role)) return Problems.BadRequest($"role '{body.Role}' is not one of {Roles.Names}");
        if (body.Password is not null && Credentials.CheckPassword(body.Password) is { } badPassword) return Problems.BadRequest(badPassword);
        var user = new User
        {
            Id = User.NewId(), UserName = body.UserName!.Trim(), Role = role, CreatedAt = time.GetUtcNow(),
            PasswordHash = body.Password is null ? null : Credentials.HashPassword(body.Password),
        };
        if (!await users.AddAsync(user, Audit.Of(context, "user.create", user.Id, $"{user.UserName} ({role.Name()})"), cancellationToken))
            return Problems.Of(StatusCodes.Status409Conflict, "User name taken", $"there is an account named '{user.UserName}' already");
        return TypedResults.Created($"/api/users/{user.Id}", UserDto.From(user));
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> ChangeAsync(string id, ChangeBody body, HttpContext context, IUserStore users, CancellationToken cancellationToken)
    {
        if (await users.FindAsync(id, cancellationToken) is not { } user) return NoSuchUser(id);
        var changed = user;
        var what = new List<string>();
        if (body.Role is not null)
        {
            if (!Roles.TryParse(body.Role, out var role)) return Problems.BadRequest($"role '{body.Role}' is not one of {Roles.Names}");
            if (role != user.Role) what.Add($"role {user.Role.Name()} → {role.Name()}");
            changed = changed with { Role = role };
        }
        if (body.Password is not null)
        {
            if (Credentials.CheckPassword(body.Password) is { } badPassword) return Problems.BadRequest(badPassword);
            changed = changed with { PasswordHash = Credentials.HashPassword(body.Password) };
            what.Add("password set");
        }
        if (body.Disabled is { } disabled && disabled != user.Disabled)
        {
            changed = changed with { Disabled = disabled };
            what.Add(disabled ? "disabled" : "enabled");
        }
        if (what.Count == 0) return TypedResults.Ok(UserDto.From(user));
        if (await LastAdminProblemAsync(user, changed, users, cancellationToken) is { } problem) return problem;
        if (!await users.UpdateAsync(changed, Audit.Of(context, "user.change", user.Id, $"{user.UserName}: {string.Join(", ", what)}"), cancellationToken))
            return NoSuchUser(id);
        return TypedResults.Ok(UserDto.From(changed));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext context, IUserStore users, CancellationToken cancellationToken)
    {
        if (await users.FindAsync(id, cancellationToken) is not { } user) return NoSuchUser(id);
        if (await LastAdminProblemAsync(user, null, users, cancellationToken) is { } problem) return problem;
        if (!await users.DeleteAsync(id, Audit.Of(context, "user.delete", id, user.UserName), cancellationToken)) return NoSuchUser(id);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<EndedDto>, ProblemHttpResult>> EndSessionsAsync(
        string id, HttpContext context, IUserStore users, ISessionStore sessions, CancellationToken cancellationToken)
    {
        if (await users.FindAsync(id, cancellationToken) is not { } user) return NoSuchUser(id);
        var ended = await sessions.RemoveAllAsync(id, cancellationToken);
        await context.RecordAsync("user.end-sessions", id, $"{user.UserName}: {ended} session(s)");
        return TypedResults.Ok(new EndedDto(ended));
    }

    /// <summary>A change that would leave no enabled admin (demote, disable or delete the last one) is refused: nobody could manage accounts again.</summary>
    private static async Task<ProblemHttpResult?> LastAdminProblemAsync(User before, User? after, IUserStore users, CancellationToken cancellationToken)
    {
        var wasAdmin = before is { Role: Role.Admin, Disabled: false };
        var staysAdmin = after is { Role: Role.Admin, Disabled: false };
        if (!wasAdmin || staysAdmin) return null;
        var admins = (await users.ListAsync(cancellationToken)).Count(u => u is { Role: Role.Admin, Disabled: false });
        return admins > 1 ? null : Problems.Of(StatusCodes.Status409Conflict, "Last admin", $"'{before.UserName}' is the only admin: make another admin first");
    }

    private static ProblemHttpResult NoSuchUser(string id) => Problems.NotFound($"there is no account with id '{id}'");
}
