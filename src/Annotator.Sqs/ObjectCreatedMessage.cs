using System.Text.Json;
using System.Text.Json.Nodes;

namespace Annotator.Events.Sqs;

/// <summary>
/// The bodies on the functions' queues: an EventBridge S3 "Object Created" event (what the rule forwards), or the web
/// tier's own message for a retry, a re-caption or a replay, <c>{"objectCreated":{"key":"raw/…"},"time":"…"}</c>. Both
/// carry the object's key and when the event happened.
/// </summary>
public static class ObjectCreatedMessage
{
    public static string Format(ObjectCreated created, DateTimeOffset time) => new JsonObject
    {
        ["objectCreated"] = new JsonObject { ["key"] = created.Key },
        ["time"] = time.ToString("O"),
    }.ToJsonString();

    /// <summary>The event a body holds, or why it holds none (a line for the log: the body itself may be anything).</summary>
    public static bool TryParse(string body, out ObjectCreated created, out DateTimeOffset time, out string problem)
    {
        created = null!;
        time = default;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            problem = $"the body is not JSON ({e.Message})";
            return false;
        }
        if (root is not JsonObject message)
        {
            problem = "the body is not a JSON object";
            return false;
        }
        var key = message["objectCreated"] is JsonObject own ? Text(own["key"])
            : Text(message["source"]) == "aws.s3" && Text(message["detail-type"]) == "Object Created" ? Text(message["detail"]?["object"]?["key"])
            : null;
        if (key is null)
        {
            problem = "the body is neither an S3 Object Created event nor an objectCreated message";
            return false;
        }
        if (!DateTimeOffset.TryParse(Text(message["time"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out time))
        {
            problem = "the event has no valid time";
            return false;
        }
        created = new ObjectCreated(key);
        problem = "";
        return true;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
