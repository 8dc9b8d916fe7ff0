namespace Annotator.Captioning.Models;

/// <summary>
/// One call to a provider's REST API as the HTTP adapters (Gemini, Ollama) make it, written once so that they fail
/// alike: nothing answering is <see cref="ProviderErrors.Unreachable"/>, a reply is read whole, and its status decides
/// whether the provider's <c>error</c> or <c>read</c> makes sense of it.
/// </summary>
public static class ProviderHttp
{
    public static async Task<T> SendAsync<T>(
        HttpClient http, HttpRequestMessage message, string display, Uri baseUri,
        Func<HttpResponseMessage, string, ProviderException> error, Func<string, T> read, CancellationToken cancellationToken,
        string unreachableHint = "")
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw ProviderErrors.Unreachable(display, baseUri, e, unreachableHint);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode) throw error(response, body);
            return read(body);
        }
    }
}
