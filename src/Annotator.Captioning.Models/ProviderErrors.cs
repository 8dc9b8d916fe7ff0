using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Annotator.Captioning.Models;

/// <summary>
/// Turns a provider's HTTP failure into a <see cref="ProviderException"/> a person can act on: the status, the
/// provider's own message (shortened, with anything key-like removed), and what to check.
/// </summary>
public static partial class ProviderErrors
{
    private const int MaxDetail = 240;

    /// <summary>Classifies a non-success status: 401/403/404/4xx fail at once; 408, 429 and 5xx are retried.</summary>
    public static ProviderException FromStatus(
        int status, string display, string? statusName, string? message, TimeSpan? retryAfter, string keyHint, string model, string modelHint, string? key,
        int? treatAs = null)
    {
        var detail = Detail(status, statusName, message, key);
        return (treatAs ?? status) switch
        {
            401 or 403 => new(CaptionFailure.KeyRefused, $"{display} refused the API key ({detail}): {keyHint}", transient: false),
            404 => new(CaptionFailure.ModelNotFound, $"{display} has no model '{model}' ({detail}): {modelHint}", transient: false),
            408 => new(CaptionFailure.Timeout, $"{display} timed out ({detail})", transient: true, retryAfter),
            429 => new(CaptionFailure.RateLimited, $"{display} is rate-limiting requests ({detail})", transient: true, retryAfter),
            >= 500 => new(CaptionFailure.Unavailable, $"{display} failed ({detail})", transient: true, retryAfter),
            _ => new(CaptionFailure.BadRequest, $"{display} refused the request ({detail})", transient: false),
        };
    }

    /// <summary>"HTTP 503 UNAVAILABLE: The model is overloaded."</summary>
    public static string Detail(int status, string? statusName, string? message, string? key)
    {
        var text = $"HTTP {status}";
        if (!string.IsNullOrWhiteSpace(statusName)) text += " " + statusName;
        var clean = Clean(message, key);
        return clean.Length > 0 ? $"{text}: {clean}" : text;
    }

    /// <summary>One line, at most a few hundred characters, with the key and anything that looks like one removed.</summary>
    public static string Clean(string? message, string? key)
    {
        if (string.IsNullOrWhiteSpace(message)) return "";
        var text = message;
        if (!string.IsNullOrEmpty(key)) text = text.Replace(key, "[key]", StringComparison.Ordinal);
        text = KeyLike().Replace(text, "[key]");
        text = Whitespace().Replace(text, " ").Trim();
        return text.Length <= MaxDetail ? text : text[..MaxDetail].TrimEnd() + "…";
    }

    /// <summary>The message of an error body that is not JSON: the body itself, unless it is empty or an HTML page, then the status's reason phrase.</summary>
    public static string? PlainMessage(string body, string? reasonPhrase) => body.Length > 0 && !body.TrimStart().StartsWith('<') ? body : reasonPhrase;

    /// <summary>A network failure: nothing answered.</summary>
    public static ProviderException Unreachable(string display, Uri baseUri, Exception e, string hint = "") => new(
        CaptionFailure.Unreachable,
        $"cannot reach {display}{(display.Contains(baseUri.Authority, StringComparison.Ordinal) ? "" : " at " + baseUri.GetLeftPart(UriPartial.Authority))} ({Innermost(e)}){hint}",
        transient: true, inner: e);

    /// <summary>Retry-After (seconds or a date) or retry-after-ms, as sent by OpenAI-style and most HTTP servers.</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, TimeProvider time)
    {
        if (headers.TryGetValues("retry-after-ms", out var ms) && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis))
            return TimeSpan.FromMilliseconds(Math.Max(0, millis));
        if (headers.RetryAfter is { } retry)
        {
            if (retry.Delta is { } delta) return delta;
            if (retry.Date is { } date) return date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>Retry-After or retry-after-ms from raw header values.</summary>
    public static TimeSpan? RetryAfter(string? retryAfter, string? retryAfterMs, TimeProvider time)
    {
        if (double.TryParse(retryAfterMs, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis)) return TimeSpan.FromMilliseconds(Math.Max(0, millis));
        if (string.IsNullOrWhiteSpace(retryAfter)) return null;
        if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(Math.Max(0, seconds));
        if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }

    /// <summary>A protobuf JSON duration ("37s", "0.250s").</summary>
    public static TimeSpan? ProtoDuration(string? text) =>
        text is { Length: > 1 } && text.EndsWith('s')
        && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    public static string Seconds(TimeSpan span) =>
        span.TotalSeconds.ToString(span.TotalSeconds < 10 ? "0.#" : "0", CultureInfo.InvariantCulture) + " s";

    private static string Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e.Message.TrimEnd('.');
    }

    // Google keys (AIza…), OpenAI-style keys (sk-…), bearer tokens echoed back.
    [GeneratedRegex(@"\b(?:AIza[0-9A-Za-z_\-]{10,}|sk-[0-9A-Za-z_\-\*\.]{6,}|Bearer\s+\S+)")]
    private static partial Regex KeyLike();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
