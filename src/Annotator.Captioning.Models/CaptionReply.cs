using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Annotator.Captioning.Models;

/// <summary>
/// Reads a model's answer into a caption and tags. Structured modes give JSON, but models also wrap it in
/// code fences, cut it short, or answer in prose ("Caption: … Tags: …"); each is read as far as it goes.
/// Tags come out lowercase, trimmed, de-duplicated, at most <see cref="MaxTags"/>.
/// </summary>
public static partial class CaptionReply
{
    public const int MaxTags = 10;
    public const int MaxCaptionLength = 600;
    private const int MaxTagLength = 40;

    /// <summary>Throws a transient <see cref="ProviderException"/> when the answer holds no caption at all.</summary>
    public static (string Text, IReadOnlyList<string> Tags) Parse(string? reply, string providerName)
    {
        var text = (reply ?? "").Trim();
        if (text.Length == 0)
            throw new ProviderException(CaptionFailure.BadReply, $"{providerName} answered with no text", transient: true);

        var (caption, tags) = FromJson(text) ?? FromBrokenJson(text) ?? FromProse(text);
        caption = CleanCaption(caption);
        if (caption.Length == 0)
            throw new ProviderException(CaptionFailure.BadReply,
                $"{providerName} answered without a caption: \"{Shorten(text, 120)}\"", transient: true);
        return (caption, CleanTags(tags));
    }

    private static (string, IEnumerable<string>)? FromJson(string text)
    {
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start) return null;
        try
        {
            using var document = JsonDocument.Parse(text[start..(end + 1)]);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            string? caption = null;
            IEnumerable<string> tags = [];
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var name = property.Name.ToLowerInvariant();
                if (name is "caption" or "description" or "text" or "alt" && property.Value.ValueKind == JsonValueKind.String)
                    caption ??= property.Value.GetString();
                else if (name is "tags" or "keywords" or "labels")
                    tags = property.Value.ValueKind switch
                    {
                        JsonValueKind.Array => [.. property.Value.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)],
                        JsonValueKind.String => SplitList(property.Value.GetString()!),
                        _ => [],
                    };
            }
            return caption is null ? null : (caption, tags);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>JSON cut short or with a stray character: take the caption string and whatever tags are complete.</summary>
    private static (string, IEnumerable<string>)? FromBrokenJson(string text)
    {
        var caption = CaptionField().Match(text);
        if (!caption.Success) return null;
        var tags = new List<string>();
        var array = TagsArray().Match(text);
        if (array.Success)
            foreach (Match tag in JsonString().Matches(array.Groups[1].Value)) tags.Add(Unescape(tag.Groups[1].Value));
        return (Unescape(caption.Groups[1].Value), tags);
    }

    private static (string, IEnumerable<string>) FromProse(string text)
    {
        var lines = text.Replace("\r", "").Split('\n').Select(l => l.Trim().Trim('*', '_', '#', '>', '-', ' ')).Where(l => l.Length > 0).ToList();
        string? caption = null;
        var tags = new List<string>();
        var rest = new List<string>();
        foreach (var line in lines)
        {
            if (Labelled(line, out var label, out var value))
            {
                if (label is "caption" or "description" or "alt text") caption ??= value;
                else if (label is "tags" or "keywords" or "labels") tags.AddRange(SplitList(value));
                continue;
            }
            if (line.StartsWith("```", StringComparison.Ordinal)) continue;
            rest.Add(line);
        }
        var prose = string.Join(' ', rest);
        foreach (Match hashtag in Hashtag().Matches(prose)) tags.Add(hashtag.Groups[1].Value);
        caption ??= Hashtag().Replace(prose, "");
        return (caption, tags);
    }

    private static bool Labelled(string line, out string label, out string value)
    {
        var colon = line.IndexOf(':');
        label = colon is > 0 and < 20 ? line[..colon].Trim().Trim('*', '_').ToLowerInvariant() : "";
        value = colon > 0 ? line[(colon + 1)..].Trim().Trim('*', '_').Trim() : "";
        return label is "caption" or "description" or "alt text" or "tags" or "keywords" or "labels";
    }

    private static IEnumerable<string> SplitList(string value) =>
        value.Trim('[', ']').Split([',', ';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string CleanCaption(string caption)
    {
        var text = Whitespace().Replace(caption, " ").Trim().Trim('"', '\'', '“', '”').Trim();
        // One or two sentences: a longer answer keeps its first two.
        var sentences = SentenceEnd().Split(text);
        if (sentences.Length > 2) text = sentences[0] + " " + sentences[1];
        if (text.Length > MaxCaptionLength)
        {
            var cut = text.LastIndexOf(' ', MaxCaptionLength - 1);
            text = text[..(cut > MaxCaptionLength / 2 ? cut : MaxCaptionLength - 1)].TrimEnd(',', ';', ' ') + "…";
        }
        return text;
    }

    private static IReadOnlyList<string> CleanTags(IEnumerable<string> tags)
    {
        var clean = new List<string>();
        foreach (var raw in tags)
        {
            var tag = Whitespace().Replace(raw.Trim().TrimStart('#').Trim('"', '\'', '.', ' ').ToLowerInvariant(), " ");
            if (tag.Length is 0 or > MaxTagLength || clean.Contains(tag)) continue;
            clean.Add(tag);
            if (clean.Count == MaxTags) break;
        }
        return clean;
    }

    private static string Unescape(string jsonStringBody)
    {
        try
        {
            return JsonSerializer.Deserialize<string>("\"" + jsonStringBody + "\"") ?? "";
        }
        catch (JsonException)
        {
            return jsonStringBody.Replace("\\\"", "\"", StringComparison.Ordinal);
        }
    }

    private static string Shorten(string text, int length)
    {
        var flat = Whitespace().Replace(text, " ");
        return flat.Length <= length ? flat : new StringBuilder(flat, 0, length, length + 1).Append('…').ToString();
    }

    [GeneratedRegex("\"(?:caption|description)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex CaptionField();

    [GeneratedRegex("\"(?:tags|keywords)\"\\s*:\\s*\\[([^\\]]*)", RegexOptions.IgnoreCase)]
    private static partial Regex TagsArray();

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex JsonString();

    [GeneratedRegex(@"(?<![\w&])#(\w[\w-]*)")]
    private static partial Regex Hashtag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[\p{Lu}\d""“])")]
    private static partial Regex SentenceEnd();
}
