using Annotator.Lambda;

namespace Annotator.IntegrationTests.Aws;

/// <summary>The functions' secrets client against a loopback server speaking the secrets extension's protocol.</summary>
public sealed class ExtensionSecretsTests : IAsyncLifetime
{
    private FakeSecretsExtension _extension = null!;

    public async Task InitializeAsync() => _extension = await FakeSecretsExtension.StartAsync();

    public async Task DisposeAsync() => await _extension.DisposeAsync();

    private ExtensionSecrets Client(string token = FakeSecretsExtension.Token) =>
        new(new HttpClient { BaseAddress = new Uri($"http://localhost:{_extension.Port}/") }, token);

    [Fact]
    public async Task A_secret_is_read_with_the_session_token()
    {
        _extension.Set("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", """{"username":"annotator","password":"p@ss/w0rd+"}""");

        var value = await Client().GetStringAsync("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", CancellationToken.None);

        Assert.Equal("""{"username":"annotator","password":"p@ss/w0rd+"}""", value);
    }

    [Fact]
    public async Task A_refused_token_or_an_unknown_secret_names_the_secret_and_the_reason_and_no_value()
    {
        _extension.Set("gemini", "AIzaSy-secret-value");

        var refused = await Assert.ThrowsAsync<SecretUnavailableException>(() => Client("wrong-token").GetStringAsync("gemini", CancellationToken.None));
        Assert.Equal("the secrets extension could not give gemini: HTTP 401 not authorized: missing or invalid X-Aws-Parameters-Secrets-Token", refused.Message);

        var unknown = await Assert.ThrowsAsync<SecretUnavailableException>(() => Client().GetStringAsync("nope", CancellationToken.None));
        Assert.StartsWith("the secrets extension could not give nope: HTTP 400 ", unknown.Message);
        Assert.Contains("ResourceNotFoundException", unknown.Message);
        Assert.Equal(2, _extension.Requests); // a refusal is not retried: only an extension still starting is
    }

    [Fact]
    public async Task An_extension_that_is_not_listening_yet_is_asked_again_then_named()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var client = new ExtensionSecrets(new HttpClient { BaseAddress = new Uri($"http://localhost:{port}/") }, FakeSecretsExtension.Token);

        var e = await Assert.ThrowsAsync<SecretUnavailableException>(() => client.GetStringAsync("db", CancellationToken.None));

        Assert.StartsWith("the secrets extension could not give db: ", e.Message);
    }
}
