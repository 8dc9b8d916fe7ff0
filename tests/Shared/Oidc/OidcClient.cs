namespace Annotator.Testing.Oidc;

/// <summary>
/// The one confidential client (the relying party under test) the provider knows. Its redirect URIs can be
/// added after the provider started, since the relying party's own port is often known only later. URIs
/// match exactly, as ordinal strings, as the OpenID Connect spec requires of a provider.
/// </summary>
public sealed class OidcClient(string id, string secret)
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _redirectUris = new(StringComparer.Ordinal);
    private readonly HashSet<string> _postLogoutRedirectUris = new(StringComparer.Ordinal);

    public string Id { get; } = id;

    public string Secret { get; } = secret;

    public IReadOnlyCollection<string> RedirectUris { get { lock (_lock) return [.. _redirectUris]; } }

    public IReadOnlyCollection<string> PostLogoutRedirectUris { get { lock (_lock) return [.. _postLogoutRedirectUris]; } }

    public OidcClient AllowRedirectUri(string uri)
    {
        lock (_lock) _redirectUris.Add(uri);
        return this;
    }

    public OidcClient AllowPostLogoutRedirectUri(string uri)
    {
        lock (_lock) _postLogoutRedirectUris.Add(uri);
        return this;
    }

    internal bool IsRedirectUri(string? uri) { lock (_lock) return uri is not null && _redirectUris.Contains(uri); }

    internal bool IsPostLogoutRedirectUri(string? uri) { lock (_lock) return uri is not null && _postLogoutRedirectUris.Contains(uri); }
}
