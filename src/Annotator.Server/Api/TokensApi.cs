using Annotator.Access;
using Annotator.Server.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Annotator.Server.Api;

/// <summary>
/// Personal API tokens: made with scopes and an expiry, shown once, listed with when each was last used, revoked.
/// A token never gets more than its maker may do; admins may list and revoke everyone's.
/// </summary>
public static class TokensApi
{
    public const int MaxDays = 365;

    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/tokens").WithTags("Access").RequireAuthorization(Rights.SignedIn);
        tokens.MapGet("/", ListAsync).WithSummary("My tokens, newest first (?all=true: everyone's, for admins); never the secrets");
        tokens.MapPost("/", AddAsync)
            .WithSummary("Make a token: { name, scopes: [read, upload, write, admin], expiresInDays: 1–365 }; the answer holds the token, once")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        tokens.MapDelete("/{id}", RevokeAsync).WithSummary("Revoke a token (mine, or anyone's for admins)");
        return app;
    }

    public sealed record AddBody(string? Name, string[]? Scopes, int? ExpiresInDays);

    public sealed record TokenDto(string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, string UserId, string? UserName);

    public sealed record NewTokenDto(string Id, string Name, string Token, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt);

    private static async Task<Results<Ok<TokenDto[]>, ProblemHttpResult>> ListAsync(
        HttpContext context, ITokenStore tokens, IUserStore users, CancellationToken cancellationToken, bool all = false)
    {
        if (all && !context.User.Rights().HasFlag(TokenScopes.Admin))
            return Problems.Of(StatusCodes.Status403Forbidden, "Forbidden", "everyone's tokens (all=true) need the 'admin' right");
        var list = await tokens.ListAsync(all ? null : context.User.UserId(), cancellationToken);
        var names = (await users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.UserName);
        return TypedResults.Ok(list.Select(t => new TokenDto(t.Id, t.Name, t.Scopes.ToNames(), t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.UserId, names.GetValueOrDefault(t.UserId))).ToArray());
    }

    private static async Task<Results<Created<NewTokenDto>, ProblemHttpResult>> AddAsync(AddBody body, HttpContext context, ITokenStore tokens, TimeProvider time, CancellationToken cancellationToken)
    {
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) return Problems.BadRequest("a token needs a name of 1–100 characters, to tell it apart later");
        if (body.Scopes is not { Length: > 0 }) return Problems.BadRequest($"a token needs at least one scope of {Scopes.Names}");
        if (!Scopes.TryParse(body.Scopes, out var scopes, out var unknown)) return Problems.BadRequest($"scope '{unknown}' is not one of {Scopes.Names}");
        if (body.ExpiresInDays is not { } days || days is < 1 or > MaxDays) return Problems.BadRequest($"expiresInDays must be between 1 and {MaxDays}");
        var beyond = scopes & ~context.User.Rights();
        if (beyond != TokenScopes.None)
            return Problems.Of(StatusCodes.Status403Forbidden, "Forbidden", $"a token cannot do more than its maker: you lack {string.Join(", ", beyond.ToNames())}");
        var secret = Credentials.NewSecret(TokenAuthenticationHandler.Prefix);
        var now = time.GetUtcNow();
        var token = new ApiToken
        {
            Id = User.NewId(), UserId = context.User.UserId()!, Name = name, Scopes = scopes, Hash = Credentials.Hash(secret),
            CreatedAt = now, ExpiresAt = now.AddDays(days),
        };
        await tokens.AddAsync(token, Audit.Of(context, "token.create", token.Id, $"{name}: {string.Join(", ", scopes.ToNames())}, {days} days"), cancellationToken);
        return TypedResults.Created($"/api/tokens/{token.Id}", new NewTokenDto(token.Id, name, secret, scopes.ToNames(), token.ExpiresAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, HttpContext context, ITokenStore tokens, CancellationToken cancellationToken)
    {
        // Someone else's token is "not found" to a non-admin: its existence is not theirs to learn.
        if (await tokens.GetAsync(id, cancellationToken) is not { } token
            || token.UserId != context.User.UserId() && !context.User.Rights().HasFlag(TokenScopes.Admin))
            return Problems.NotFound($"there is no token with id '{id}'");
        if (!await tokens.RevokeAsync(id, Audit.Of(context, "token.revoke", id, token.Name), cancellationToken))
            return Problems.NotFound($"there is no token with id '{id}'");
        return TypedResults.NoContent();
    }
}
