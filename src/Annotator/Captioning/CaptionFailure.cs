namespace Annotator.Captioning;

/// <summary>Why a call to a provider, or a whole caption, failed. Names are the metrics' <c>reason</c> tag.</summary>
public enum CaptionFailure
{
    /// <summary>429: too many requests or the quota is used up.</summary>
    RateLimited,
    /// <summary>5xx: the provider is down or overloaded.</summary>
    Unavailable,
    /// <summary>No answer within the per-request timeout.</summary>
    Timeout,
    /// <summary>No connection at all (refused, DNS, TLS).</summary>
    Unreachable,
    /// <summary>401/403 or an invalid key.</summary>
    KeyRefused,
    /// <summary>The provider does not know the model.</summary>
    ModelNotFound,
    /// <summary>400: the provider refused the request or the image.</summary>
    BadRequest,
    /// <summary>A safety or content filter withheld the caption.</summary>
    Blocked,
    /// <summary>The reply could not be read or held no caption.</summary>
    BadReply,
    /// <summary>The provider's circuit is open after repeated failures.</summary>
    Paused,
    /// <summary>The provider or model asked for is not configured on this server.</summary>
    NotConfigured,
    /// <summary>Anything else.</summary>
    Unexpected,
}

public static class CaptionFailures
{
    public static string Name(this CaptionFailure failure) => failure switch
    {
        CaptionFailure.RateLimited => "rate_limited",
        CaptionFailure.Unavailable => "unavailable",
        CaptionFailure.Timeout => "timeout",
        CaptionFailure.Unreachable => "unreachable",
        CaptionFailure.KeyRefused => "key_refused",
        CaptionFailure.ModelNotFound => "model_not_found",
        CaptionFailure.BadRequest => "bad_request",
        CaptionFailure.Blocked => "blocked",
        CaptionFailure.BadReply => "bad_reply",
        CaptionFailure.Paused => "paused",
        CaptionFailure.NotConfigured => "not_configured",
        _ => "unexpected",
    };
}
