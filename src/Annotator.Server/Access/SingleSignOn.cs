namespace Annotator.Server.Access;

/// <summary>Single sign-on through an OpenID Connect provider, when one is configured (<c>Annotator:Auth:Oidc</c>).</summary>
public static class SingleSignOn
{
    /// <summary>What the sign-in page shows for it, or null when none is configured.</summary>
    public static Api.AuthApi.SsoDto? Describe(IServiceProvider services) => null;
}
