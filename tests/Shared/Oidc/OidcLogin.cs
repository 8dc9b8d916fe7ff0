namespace Annotator.Testing.Oidc;

/// <summary>
/// The user "at the keyboard" of the provider: who signs in when the next authorization request arrives.
/// Its claims go into the id_token (and the access token and userinfo): <c>sub</c>, <c>name</c>,
/// <c>preferred_username</c>, <c>email</c> and the roles as a JSON array under the provider's role claim name.
/// </summary>
public sealed record OidcLogin(string Subject, string Name, string Email, params string[] Roles)
{
    /// <summary>The login name, as Keycloak/Entra send it; defaults to the email address (Entra's UPN usually is one).</summary>
    public string? PreferredUsername { get; init; }

    /// <summary>This login's id_token lifetime, overriding <see cref="OidcProvider.IdTokenLifetime"/>. A negative
    /// value issues a token that had already expired that long ago when it was issued.</summary>
    public TimeSpan? IdTokenLifetime { get; init; }

    /// <summary>The same login, its id_token issued already expired — by ten minutes, more than the five minutes
    /// of clock skew a relying party usually allows, so a correct one must refuse it.</summary>
    public OidcLogin WithExpiredIdToken() => this with { IdTokenLifetime = TimeSpan.FromMinutes(-10) };

    internal string UserName => PreferredUsername ?? Email;
}
