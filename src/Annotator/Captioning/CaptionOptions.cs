using System.ComponentModel.DataAnnotations;

namespace Annotator.Captioning;

/// <summary>
/// <c>Annotator:Captions</c>: which providers caption, and what every provider shares. Each provider binds its own
/// section (<c>Annotator:Captions:{Name}</c>) itself; <see cref="CaptionOptionsValidation"/> checks names against them.
/// </summary>
public sealed class CaptionOptions
{
    public const string Section = "Annotator:Captions";

    public const string Offline = "offline";

    [Required]
    public string Provider { get; set; } = Offline;

    /// <summary>Providers tried in order when the main one fails ("offline", or "openai,offline").</summary>
    public string[] Fallback { get; set; } = [];

    /// <summary>Longest side of the JPEG a captioner receives.</summary>
    [Range(64, 4096, ErrorMessage = "Annotator:Captions:MaxEdge must be between 64 and 4096 pixels.")]
    public int MaxEdge { get; set; } = 1536;

    /// <summary>How many images are captioned at once; 0 follows the provider's concurrency limit (offline: one per core).</summary>
    [Range(0, 256, ErrorMessage = "Annotator:Captions:Concurrency must be between 0 and 256.")]
    public int Concurrency { get; set; }

    /// <summary>The language captions and tags are written in.</summary>
    [Required(ErrorMessage = "Annotator:Captions:Language must name a language.")]
    public string Language { get; set; } = "English";

    /// <summary>The instruction sent with each image; empty means the built-in one. "{language}" is replaced.</summary>
    public string Prompt { get; set; } = "";

    /// <summary>The main provider, then the fallbacks.</summary>
    public IReadOnlyList<string> Chain => [Provider, .. Fallback];
}
