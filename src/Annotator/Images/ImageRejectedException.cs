namespace Annotator.Images;

/// <summary>Why an upload was refused; the HTTP layer maps each kind to a status code.</summary>
public enum RejectionKind
{
    /// <summary>The file has no bytes.</summary>
    Empty,
    /// <summary>The bytes are not an image format Annotator accepts (text, HTML, ZIP, SVG, PDF ...).</summary>
    NotAnImage,
    /// <summary>A real image format, but this server cannot decode it (e.g. HEVC without a decoder).</summary>
    Unsupported,
    /// <summary>The structure is broken: truncated, bad checksums, impossible sizes.</summary>
    Damaged,
    /// <summary>More pixels than the configured limit (decompression bombs land here).</summary>
    TooManyPixels,
    /// <summary>More bytes than the configured limit.</summary>
    TooLarge,
    /// <summary>A legal file built to cost far more to decode than any photo (e.g. thousands of progressive scans).</summary>
    TooCostly,
}

/// <summary>An upload refused with a one-line reason a person can act on.</summary>
public sealed class ImageRejectedException(RejectionKind kind, string reason) : Exception(reason)
{
    public RejectionKind Kind { get; } = kind;
}
