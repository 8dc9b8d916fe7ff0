using Annotator.Access;
using Annotator.Server.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Annotator.Server.Api;

/// <summary><c>GET /api/audit</c>: who did what and when, newest first, for admins.</summary>
public static class AuditApi
{
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", ListAsync).WithTags("Access").RequireAuthorization(Rights.Admin)
            .WithSummary("The audit log, newest first, paged by cursor; ?actor= (a user id or user name) and ?target= narrow it");
        return app;
    }

    public sealed record AuditPageDto(IReadOnlyList<AuditEntry> Items, string? NextCursor);

    private static async Task<Results<Ok<AuditPageDto>, ProblemHttpResult>> ListAsync(
        IAuditLog audit, IUserStore users, CancellationToken cancellationToken, string? before = null, int? limit = null, string? actor = null, string? target = null)
    {
        // The page's Actor field takes what its Actor column shows, a user name; the log is kept (and indexed) by id.
        if (!string.IsNullOrWhiteSpace(actor) && await users.FindAsync(actor, cancellationToken) is null
            && await users.FindByNameAsync(actor.Trim(), cancellationToken) is { } named)
            actor = named.Id;
        long? cursor = null;
        if (!string.IsNullOrEmpty(before))
        {
            if (!long.TryParse(before, out var parsed) || parsed < 1) return Problems.BadRequest($"before '{before}' is not valid: use the nextCursor of a previous page");
            cursor = parsed;
        }
        if (limit is < 1 or > MaxLimit) return Problems.BadRequest($"limit must be between 1 and {MaxLimit}");
        var take = limit ?? 50;
        var items = await audit.ListAsync(cursor, take + 1, actor, target, cancellationToken);
        var page = items.Take(take).ToList();
        return TypedResults.Ok(new AuditPageDto(page, items.Count > take ? page[^1].Id.ToString() : null));
    }
}
