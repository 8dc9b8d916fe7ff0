using System.Text.Json;
using System.Text.Json.Nodes;

namespace Annotator.Lambda;

/// <summary>An SQS event source's batch (<c>{"Records":[…]}</c>) and the partial-failure answer Lambda expects.</summary>
public static class SqsBatch
{
    public sealed record Message(string MessageId, string Body, int ReceiveCount);

    /// <summary>The batch's messages; throws <see cref="JsonException"/> for something that is no SQS batch at all.</summary>
    public static async Task<IReadOnlyList<Message>> ReadAsync(Stream input, CancellationToken cancellationToken)
    {
        var root = await JsonNode.ParseAsync(input, cancellationToken: cancellationToken) as JsonObject
            ?? throw new JsonException("the event is not a JSON object");
        if (root["Records"] is not JsonArray records) throw new JsonException("the event has no Records: it is not an SQS batch");
        return [.. records.Select(record => new Message(
            (string?)record?["messageId"] ?? throw new JsonException("a record has no messageId"),
            (string?)record!["body"] ?? "",
            int.TryParse((string?)record["attributes"]?["ApproximateReceiveCount"], out var count) && count > 0 ? count : 1))];
    }

    /// <summary><c>{"batchItemFailures":[{"itemIdentifier":"…"}]}</c>: SQS deletes every other message of the batch.</summary>
    public static Stream Failures(IEnumerable<string> messageIds)
    {
        var answer = new JsonObject
        {
            ["batchItemFailures"] = new JsonArray([.. messageIds.Select(id => (JsonNode)new JsonObject { ["itemIdentifier"] = id })]),
        };
        return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(answer));
    }
}
