using System.Text.Json;

namespace Annotator.Captioning.Models;

/// <summary>
/// Reading a provider's JSON: the checks and lookups the adapters make alike (Gemini's and Ollama's replies, the
/// error bodies of all three), written once so that every provider reads JSON the same way and a broken reply gets
/// the same message, with the provider's name in it.
/// </summary>
public static class ProviderReply
{
    /// <summary>The reply as a JSON object; anything else is a bad reply (transient: the next attempt may do better).</summary>
    public static JsonDocument ParseObject(string body, string display)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new ProviderException(CaptionFailure.BadReply, $"{display} sent a reply that is not valid JSON ({e.Message})", transient: true, inner: e);
        }
        if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
        document.Dispose();
        throw new ProviderException(CaptionFailure.BadReply, $"{display} sent a reply that is not a JSON object", transient: true);
    }

    /// <summary>A string property, or null: absent, not a string, or <paramref name="element"/> not an object.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A whole-number property that fits an int, or null. <paramref name="element"/> must be an object.</summary>
    public static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;
}
