using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;

namespace Annotator.Captioning.Models;

/// <summary>
/// API keys for the model providers, from <c>{PROVIDER}_API_KEY</c> or the file named by
/// <c>{PROVIDER}_API_KEY_FILE</c> (Docker and systemd secrets). The variable wins when both are set.
/// Keys are held here only: never in options, URLs, logs or messages.
/// </summary>
public sealed class ProviderKeys(IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, Lookup> _keys = new();

    public static string Variable(string provider) => provider.ToUpperInvariant() + "_API_KEY";

    /// <summary>The key, or null when none is set (or its file cannot be read: see <see cref="Problem"/>).</summary>
    public string? Get(string provider) => Find(provider).Key;

    /// <summary>Why a key named by a _FILE variable could not be read, or null.</summary>
    public string? Problem(string provider) => Find(provider).Problem;

    /// <summary>"set GEMINI_API_KEY or GEMINI_API_KEY_FILE", for messages about a missing key.</summary>
    public static string HowToSet(string provider) => $"set {Variable(provider)} or {Variable(provider)}_FILE";

    private Lookup Find(string provider) => _keys.GetOrAdd(provider, p =>
    {
        var variable = Variable(p);
        var direct = configuration[variable];
        if (!string.IsNullOrWhiteSpace(direct)) return new(direct.Trim(), null);
        var file = configuration[variable + "_FILE"];
        if (string.IsNullOrWhiteSpace(file)) return new(null, null);
        try
        {
            var key = File.ReadAllText(file).Trim();
            return key.Length > 0 ? new(key, null) : new(null, $"{variable}_FILE names {file}, which is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new(null, $"{variable}_FILE names {file}, which cannot be read: {e.Message}");
        }
    });

    private sealed record Lookup(string? Key, string? Problem);
}
