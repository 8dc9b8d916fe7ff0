using Annotator.Server.Access;

namespace Annotator.IntegrationTests.Access;

/// <summary>
/// Who may call what, declared once: each guarded API endpoint (its route as the router has it, a request to it with
/// sample ids that need not exist) and the right it needs. <see cref="EndpointDeclarationTests"/> checks this list
/// against the app's endpoints; <see cref="AccessMatrixTests"/> sends every request as every kind of caller.
/// </summary>
public static class AccessMatrix
{
    public const string AnyImage = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    public const string AnyId = "no-such-id";

    public static readonly IReadOnlyList<MatrixEndpoint> Endpoints =
    [
        new("GET", "/api/images", "api/images", Rights.Read),
        new("POST", "/api/images", "api/images", Rights.Upload),
        new("GET", "/api/images/count", "api/images/count", Rights.Read),
        new("GET", "/api/images/{id}", $"api/images/{AnyImage}", Rights.Read),
        new("POST", "/api/images/{id}/retry", $"api/images/{AnyImage}/retry", Rights.Write),
        new("POST", "/api/images/{id}/recaption", $"api/images/{AnyImage}/recaption", Rights.Write),
        new("DELETE", "/api/images/{id}", $"api/images/{AnyImage}", Rights.Write),
        new("GET", "/api/images/{id}/original", $"api/images/{AnyImage}/original", Rights.Read),
        new("GET", "/api/images/{id}/thumbnail", $"api/images/{AnyImage}/thumbnail", Rights.Read),
        new("GET", "/api/images/{id}/preview", $"api/images/{AnyImage}/preview", Rights.Read),
        new("GET", "/api/images/{id}/similar", $"api/images/{AnyImage}/similar", Rights.Read),
        new("PUT", "/api/images/{id}/annotation", $"api/images/{AnyImage}/annotation", Rights.Write),
        new("POST", "/api/annotations/accept", "api/annotations/accept", Rights.Write),
        new("POST", "/api/exports", "api/exports", Rights.Write),
        new("GET", "/api/exports/{id}", $"api/exports/{AnyId}", Rights.Read),
        new("GET", "/api/exports/{id}/download", $"api/exports/{AnyId}/download", Rights.Read),
        new("DELETE", "/api/exports/{id}", $"api/exports/{AnyId}", Rights.Write),
        new("POST", "/api/recaptions", "api/recaptions", Rights.Write),
        new("GET", "/api/recaptions/{jobId}", $"api/recaptions/{AnyId}", Rights.Read),
        new("GET", "/api/captioners", "api/captioners", Rights.Read),
        new("GET", "/api/events", "api/events", Rights.Read),
        new("GET", "/api/dead-letters", "api/dead-letters", Rights.Read),
        new("POST", "/api/dead-letters/{id:long}/replay", "api/dead-letters/987654321/replay", Rights.Write),
        new("GET", "/api/auth/me", "api/auth/me", Rights.SignedIn),
        new("POST", "/api/auth/password", "api/auth/password", Rights.SignedIn),
        new("GET", "/api/tokens", "api/tokens", Rights.SignedIn),
        new("POST", "/api/tokens", "api/tokens", Rights.SignedIn),
        new("DELETE", "/api/tokens/{id}", $"api/tokens/{AnyId}", Rights.SignedIn),
        new("GET", "/api/users", "api/users", Rights.Admin),
        new("POST", "/api/users", "api/users", Rights.Admin),
        new("PATCH", "/api/users/{id}", $"api/users/{AnyId}", Rights.Admin),
        new("DELETE", "/api/users/{id}", $"api/users/{AnyId}", Rights.Admin),
        new("DELETE", "/api/users/{id}/sessions", $"api/users/{AnyId}/sessions", Rights.Admin),
        new("GET", "/api/audit", "api/audit", Rights.Admin),
        new("GET", "/openapi/{documentName}.json", "openapi/v1.json", Rights.Read),
    ];

    /// <summary>The rights table: what each role may do (a token may do what its scopes and its owner's role both allow).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> RoleRights = new Dictionary<string, string[]>
    {
        ["viewer"] = [Rights.Read],
        ["editor"] = [Rights.Read, Rights.Upload, Rights.Write],
        ["admin"] = [Rights.Read, Rights.Upload, Rights.Write, Rights.Admin],
    };
}

/// <summary>An endpoint of the matrix: <see cref="Route"/> as the router names it, <see cref="Path"/> a request to it.</summary>
public sealed record MatrixEndpoint(string Method, string Route, string Path, string Right)
{
    public string Key => $"{Method} {Route}";

    public override string ToString() => Key;
}
