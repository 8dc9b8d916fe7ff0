namespace Annotator.Testing.Oidc;

/// <summary>The parameters of one request as the provider received them (form or query), for assertions.</summary>
public abstract record OidcRecordedRequest(IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    public string? ClientId => this["client_id"];
}

/// <summary>An authorization request: what the relying party asked for when it sent the browser over.</summary>
public sealed record OidcAuthorizationRequest(IReadOnlyDictionary<string, string> Parameters) : OidcRecordedRequest(Parameters)
{
    public string? ResponseType => this["response_type"];
    public string? RedirectUri => this["redirect_uri"];
    public IReadOnlyList<string> Scopes => (this["scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
    public string? State => this["state"];
    public string? Nonce => this["nonce"];
    public string? CodeChallenge => this["code_challenge"];
    public string? CodeChallengeMethod => this["code_challenge_method"];
    public string? Prompt => this["prompt"];
}

/// <summary>A token request; the client secret is left out, only how the client authenticated is kept.</summary>
public sealed record OidcTokenRequest(IReadOnlyDictionary<string, string> Parameters, string ClientAuthentication) : OidcRecordedRequest(Parameters)
{
    public string? GrantType => this["grant_type"];
    public string? RedirectUri => this["redirect_uri"];
    public string? CodeVerifier => this["code_verifier"];
}

/// <summary>An end-session (RP-initiated logout) request.</summary>
public sealed record OidcEndSessionRequest(IReadOnlyDictionary<string, string> Parameters) : OidcRecordedRequest(Parameters)
{
    public string? IdTokenHint => this["id_token_hint"];
    public string? PostLogoutRedirectUri => this["post_logout_redirect_uri"];
    public string? State => this["state"];
}
