using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;

namespace Annotator.Testing.Oidc;

/// <summary>
/// The provider's login page for a browser test to type into: a user name field, "Sign in" and "Refuse".
/// It posts the authorization request's parameters back to the authorization endpoint with its own two
/// fields, so OpenIddict validates the request again before anyone is signed in.
/// </summary>
internal static class OidcLoginForm
{
    public const string ActionField = "login_action";
    public const string UserNameField = "login_username";
    public const string SignIn = "sign-in";
    public const string Refuse = "refuse";

    public static IResult Render(OpenIddictRequest request, string? message)
    {
        var hidden = new StringBuilder();
        foreach (var (name, value) in request.GetParameters())
        {
            if (name is ActionField or UserNameField) continue;
            hidden.Append($"""<input type="hidden" name="{Html(name)}" value="{Html(value.ToString())}">""").Append('\n');
        }
        var error = message is null ? "" : $"""<p role="alert">{Html(message)}</p>""";
        var page = $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Sign in — test provider</title></head>
            <body>
            <h1>Sign in</h1>
            {error}
            <form method="post">
            {hidden}<label>User name <input name="{UserNameField}" autocomplete="username" autofocus></label>
            <button type="submit" name="{ActionField}" value="{SignIn}">Sign in</button>
            <button type="submit" name="{ActionField}" value="{Refuse}">Refuse</button>
            </form>
            </body>
            </html>
            """;
        return Results.Content(page, "text/html; charset=utf-8");
    }

    private static string Html(string? text) => WebUtility.HtmlEncode(text ?? "");
}
