using System.Net;
using System.Text.Json;

namespace Annotator.Lambda;

/// <summary>
/// Secrets through the AWS Parameters and Secrets Lambda Extension (a layer), its documented localhost endpoint:
/// <c>GET http://localhost:{PARAMETERS_SECRETS_EXTENSION_HTTP_PORT|2773}/secretsmanager/get?secretId=…</c> with the
/// function's session token in <c>X-Aws-Parameters-Secrets-Token</c>; the answer is Secrets Manager's GetSecretValue
/// JSON. The extension caches, so no SDK for Secrets Manager is needed (none is served here either).
/// </summary>
public sealed class ExtensionSecrets(HttpClient http, string sessionToken)
{
    public const string PortVariable = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";

    /// <summary>The extension may still be starting when the function initialises: it is asked a few times.</summary>
    private static readonly TimeSpan[] Waits = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    public static ExtensionSecrets FromEnvironment()
    {
        var port = Environment.GetEnvironmentVariable(PortVariable) is { Length: > 0 } set ? set : "2773";
        if (!int.TryParse(port, out var number) || number is < 1 or > 65535)
            throw new SecretUnavailableException($"{PortVariable} is '{port}', not a port number");
        var token = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN")
            ?? throw new SecretUnavailableException("AWS_SESSION_TOKEN is not set: the extension answers only requests that carry it");
        return new ExtensionSecrets(new HttpClient { BaseAddress = new Uri($"http://localhost:{number}/"), Timeout = TimeSpan.FromSeconds(10) }, token);
    }

    /// <summary>The secret's SecretString; throws <see cref="SecretUnavailableException"/> naming the secret (never its value) and why.</summary>
    public async Task<string> GetStringAsync(string secretId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await GetOnceAsync(secretId, cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < Waits.Length && e.StatusCode is null or >= HttpStatusCode.InternalServerError)
            {
                await Task.Delay(Waits[attempt], cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new SecretUnavailableException($"the secrets extension could not give {secretId}: {e.Message}");
            }
        }
    }

    private async Task<string> GetOnceAsync(string secretId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"secretsmanager/get?secretId={Uri.EscapeDataString(secretId)}");
        request.Headers.Add("X-Aws-Parameters-Secrets-Token", sessionToken);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The extension's error bodies are its own or Secrets Manager's messages: never a secret's value.
            var reason = body.Length > 300 ? body[..300] : body;
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {reason.Trim()}", null, response.StatusCode);
        }
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("SecretString", out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
                return text;
        }
        catch (JsonException) { }
        throw new SecretUnavailableException($"the secrets extension's answer for {secretId} has no SecretString");
    }
}

/// <summary>A secret the function cannot start without could not be read; the message says which and why.</summary>
public sealed class SecretUnavailableException(string message) : Exception(message);
