using System.Globalization;
using System.Text.Json.Nodes;

namespace Annotator.Bench.Hostile;

/// <summary>
/// BENCH_DETAIL=1: where the time of a batch went, on the server's own clock: for each image, when it was
/// stored and when its thumbnail and caption work ran, in seconds from the first image stored (to stderr).
/// </summary>
public static class Timeline
{
    public static void Print(IEnumerable<JsonObject> images)
    {
        var rows = images.Select(i => (Name: (string?)i["fileName"], Created: At(i["createdAt"]),
            Thumbnail: (At(i["thumbnail"]?["startedAt"]), At(i["thumbnail"]?["finishedAt"])),
            Caption: (At(i["caption"]?["startedAt"]), At(i["caption"]?["finishedAt"])))).OrderBy(r => r.Created).ToList();
        var zero = rows.Min(r => r.Created) ?? DateTimeOffset.MinValue;
        string S(DateTimeOffset? t) => t is { } v ? (v - zero).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) : "—";
        foreach (var r in rows)
            Console.Error.WriteLine($"  {r.Name,-24} stored {S(r.Created)}  thumbnail {S(r.Thumbnail.Item1)}–{S(r.Thumbnail.Item2)}  caption {S(r.Caption.Item1)}–{S(r.Caption.Item2)}");
    }

    private static DateTimeOffset? At(JsonNode? node) =>
        (string?)node is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;
}
