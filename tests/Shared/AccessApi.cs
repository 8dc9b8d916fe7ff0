using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Annotator.Testing;

/// <summary>What tests do with accounts, written once: sign in, make users and tokens, act as them.</summary>
public static class AccessApi
{
    public static readonly string[] AllScopes = ["read", "upload", "write", "admin"];

    /// <summary>A client that keeps a session cookie, as a browser does.</summary>
    public static HttpClient SessionClient(Uri baseAddress, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60),
        };

    public static HttpClient ClientWith(Uri baseAddress, string? token, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<HttpResponseMessage> LoginAsync(this HttpClient client, string userName, string password) =>
        await client.PostAsJsonAsync("api/auth/login", new { userName, password });

    /// <summary>Signs in (the client keeps the cookie) or throws with the server's answer.</summary>
    public static async Task SignInAsync(this HttpClient client, string userName, string password)
    {
        using var response = await client.LoginAsync(userName, password);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"Sign-in as {userName} gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Signs in as the user and makes a token with these scopes; returns the secret.</summary>
    public static async Task<string> MakeTokenAsync(Uri baseAddress, string userName, string password, string[] scopes)
    {
        using var session = SessionClient(baseAddress);
        await session.SignInAsync(userName, password);
        return await session.MakeTokenAsync(scopes);
    }

    public static async Task<string> MakeTokenAsync(this HttpClient client, string[] scopes, string name = "test", int days = 1)
    {
        using var response = await client.PostAsJsonAsync("api/tokens", new { name, scopes, expiresInDays = days });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Making a token gave {(int)response.StatusCode}: {body}");
        return (string)JsonNode.Parse(body)!["token"]!;
    }

    /// <summary>Adds an account (the client must be an admin's); returns its id.</summary>
    public static async Task<string> AddUserAsync(this HttpClient admin, string userName, string password, string role)
    {
        using var response = await admin.PostAsJsonAsync("api/users", new { userName, password, role });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Adding {userName} gave {(int)response.StatusCode}: {body}");
        return (string)JsonNode.Parse(body)!["id"]!;
    }

    /// <summary>A new account of this role and a session client signed in as it.</summary>
    public static async Task<(string Id, HttpClient Client)> SignedInAsAsync(this HttpClient admin, Uri baseAddress, string role, string? userName = null)
    {
        userName ??= $"{role}-{Guid.NewGuid():N}"[..20];
        const string password = "a long enough password";
        var id = await admin.AddUserAsync(userName, password, role);
        var client = SessionClient(baseAddress);
        await client.SignInAsync(userName, password);
        return (id, client);
    }
}
