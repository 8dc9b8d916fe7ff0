using Annotator.Access;
using Microsoft.AspNetCore.Authorization;

namespace Annotator.Server.Access;

/// <summary>
/// The authorization policies every endpoint names: one per right (<c>read</c>, <c>upload</c>, <c>write</c>,
/// <c>admin</c>), and <c>signed-in</c> for what any caller with an account may do (who am I, my tokens).
/// </summary>
public static class Rights
{
    public const string Read = "read";
    public const string Upload = "upload";
    public const string Write = "write";
    public const string Admin = "admin";
    public const string SignedIn = "signed-in";

    public static readonly IReadOnlyDictionary<string, TokenScopes> Policies = new Dictionary<string, TokenScopes>
    {
        [Read] = TokenScopes.Read,
        [Upload] = TokenScopes.Upload,
        [Write] = TokenScopes.Write,
        [Admin] = TokenScopes.Admin,
    };

    public static AuthorizationOptions AddRightPolicies(this AuthorizationOptions options)
    {
        foreach (var (name, right) in Policies)
            options.AddPolicy(name, policy => policy.RequireAuthenticatedUser().AddRequirements(new RightRequirement(right)));
        options.AddPolicy(SignedIn, policy => policy.RequireAuthenticatedUser());
        // An endpoint that declares nothing is not open: it needs an account that may read (and a test fails for it).
        options.FallbackPolicy = options.GetPolicy(Read);
        return options;
    }
}

/// <summary>The caller's rights include <see cref="Right"/>.</summary>
public sealed record RightRequirement(TokenScopes Right) : IAuthorizationRequirement;

public sealed class RightHandler : AuthorizationHandler<RightRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RightRequirement requirement)
    {
        if (context.User.Rights().HasFlag(requirement.Right)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
