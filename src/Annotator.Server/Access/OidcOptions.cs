using System.ComponentModel.DataAnnotations;
using Annotator.Access;

namespace Annotator.Server.Access;

/// <summary>
/// <c>Annotator:Auth:Oidc</c>: single sign-on through any OpenID Connect provider (Keycloak, Entra ID, Google,
/// Authentik…). Off unless <see cref="Authority"/> is set. The role comes from a claim of the ID token on every sign-in,
/// so the provider stays the one place a person's role is decided.
/// </summary>
public sealed class OidcOptions : IValidatableObject
{
    public const string Section = "Annotator:Auth:Oidc";

    /// <summary>The provider's issuer URL (its discovery document is at <c>{Authority}/.well-known/openid-configuration</c>).</summary>
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    /// <summary>The client secret; <c>Annotator:Auth:Oidc:ClientSecret_FILE</c> names a file holding it.</summary>
    public string? ClientSecret { get; set; }
    /// <summary>What the sign-in button says: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "single sign-on";
    /// <summary>Scopes asked for besides <c>openid</c>.</summary>
    public string Scopes { get; set; } = "profile email";
    /// <summary>The ID-token claim holding the person's roles or groups (a string or an array).</summary>
    public string RoleClaim { get; set; } = "roles";
    /// <summary>Claim values that make an admin, an editor, a viewer (comma-separated); the highest match wins.</summary>
    public string AdminValues { get; set; } = "admin";
    public string EditorValues { get; set; } = "editor";
    public string ViewerValues { get; set; } = "viewer";
    /// <summary>The role of a person whose claim matches none of those: empty refuses them (the default), e.g. <c>viewer</c> lets everyone the provider knows browse.</summary>
    public string? DefaultRole { get; set; }
    /// <summary>Only for a provider on loopback in development and tests: allow its metadata over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    internal string? SecretFileError { get; set; }

    /// <summary>The role the claim values give, or null when none of them maps to one and there is no default.</summary>
    public Role? RoleFor(IEnumerable<string> values)
    {
        var set = values.Select(v => v.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (Split(AdminValues).Any(set.Contains)) return Role.Admin;
        if (Split(EditorValues).Any(set.Contains)) return Role.Editor;
        if (Split(ViewerValues).Any(set.Contains)) return Role.Viewer;
        return Roles.TryParse(DefaultRole, out var role) ? role : null;
    }

    private static string[] Split(string values) => values.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled) yield break;
        if (SecretFileError is not null) yield return new(SecretFileError);
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            yield return new($"{Section}:Authority '{Authority}' is not an http(s) URL of an OpenID Connect provider");
        else if (authority.Scheme == "http" && RequireHttpsMetadata)
            yield return new($"{Section}:Authority '{Authority}' is not HTTPS: use the provider's HTTPS address (or, for a provider on loopback in a test, set {Section}:RequireHttpsMetadata=false)");
        if (string.IsNullOrWhiteSpace(ClientId)) yield return new($"{Section}:ClientId is required with an Authority");
        // An unreadable ClientSecret_FILE is said above; "the secret is required" too would be a second line for one mistake.
        if (string.IsNullOrWhiteSpace(ClientSecret) && SecretFileError is null) yield return new($"{Section}:ClientSecret (or ClientSecret_FILE) is required with an Authority");
        if (string.IsNullOrWhiteSpace(RoleClaim)) yield return new($"{Section}:RoleClaim must name a claim");
        if (!string.IsNullOrWhiteSpace(DefaultRole) && !Roles.TryParse(DefaultRole, out _))
            yield return new($"{Section}:DefaultRole '{DefaultRole}' is not one of {Roles.Names} (or empty, to refuse people with no mapped role)");
    }
}
